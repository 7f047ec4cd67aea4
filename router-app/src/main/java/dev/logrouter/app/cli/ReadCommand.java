package dev.logrouter.app.cli;

import dev.logrouter.app.query.MemlogdFormat;
import dev.logrouter.app.query.QueryRequest;
import dev.logrouter.app.query.RecordJson;
import dev.logrouter.core.journal.ReadMode;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.sinks.text.TextEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code logrouter read}: tail the journal of a running logrouter. */
@Command(name = "read", mixinStandardHelpOptions = true,
        description = {"Print records from the journal of a running logrouter.",
            "Without -f/-F: what the journal holds now, then exit.",
            "Exit codes: 0 ok, 1 error from the daemon or connection, 2 usage, 3 no daemon at the socket, "
                + "4 access denied."})
final class ReadCommand implements Callable<Integer> {

    private static final Pattern RELATIVE = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    enum Output { text, json, logread }

    @Mixin
    SocketOption socket;

    @Option(names = "-f", description = "Follow: print new records as they arrive (not the journal's contents).")
    boolean follow;

    @Option(names = "-F", description = "Print the journal's contents, then follow (no gap, no duplicate).")
    boolean dumpFollow;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", description = "Only the last N matching records of the journal.")
    long lines;

    @Option(names = "--service", paramLabel = "GLOB", description = "Only services matching GLOB (repeatable).")
    List<String> services = List.of();

    @Option(names = "--level", paramLabel = "LEVEL",
            description = "Only records of LEVEL or more severe (emerg alert crit err warning notice info debug).")
    String level;

    @Option(names = "--since", paramLabel = "TIME",
            description = "Only records at or after TIME: RFC 3339 (2024-07-02T19:22:51Z) or relative (30s, 10m, 2h, 1d).")
    String since;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default), json (full records, one object per line), logread "
                    + "(byte-identical to LinuxKit logread).")
    Output output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (follow && dumpFollow) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-f and -F exclude each other");
        }
        if (lines < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-n must not be negative");
        }
        Level min = null;
        if (level != null) {
            min = Level.parse(level);
            if (min == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "unknown level '" + level
                        + "' (use emerg, alert, crit, err, warning, notice, info or debug)");
            }
        }
        long sinceNanos = since == null ? 0 : parseSince(since, spec.commandLine());
        ReadMode mode = dumpFollow ? ReadMode.DUMP_THEN_FOLLOW : follow ? ReadMode.FOLLOW : ReadMode.DUMP;
        QueryRequest q = new QueryRequest(mode, lines, services, List.of(), List.of(), min, sinceNanos, Map.of(), false);
        TextEncoder text = new TextEncoder();
        return RecordStream.run(spec, socket, q, line -> {
            switch (output) {
                case json:
                    return (line + "\n").getBytes(StandardCharsets.UTF_8);
                case logread:
                    return MemlogdFormat.logreadLine(RecordJson.parse(line)).getBytes(StandardCharsets.UTF_8);
                default:
                    return (text.encode(RecordJson.parse(line)) + "\n").getBytes(StandardCharsets.UTF_8);
            }
        });
    }

    /** RFC 3339, or a duration before now such as {@code 10m}. */
    static long parseSince(String s, CommandLine cl) {
        Matcher m = RELATIVE.matcher(s.trim());
        long now = LogRecord.now();
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            long unit;
            switch (m.group(2)) {
                case "ms": unit = 1_000_000L; break;
                case "s": unit = 1_000_000_000L; break;
                case "m": unit = 60_000_000_000L; break;
                case "h": unit = 3_600_000_000_000L; break;
                default: unit = 86_400_000_000_000L; break;
            }
            return now - n * unit;
        }
        try {
            Instant i = java.time.OffsetDateTime.parse(s.trim()).toInstant();
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(cl, "--since must be RFC 3339 (2024-07-02T19:22:51Z) or "
                    + "relative (30s, 10m, 2h, 1d), was '" + s + "'");
        }
    }
}
