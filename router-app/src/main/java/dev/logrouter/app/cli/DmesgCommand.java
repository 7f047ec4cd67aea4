package dev.logrouter.app.cli;

import dev.logrouter.app.query.QueryRequest;
import dev.logrouter.app.query.RecordJson;
import dev.logrouter.core.journal.ReadMode;
import dev.logrouter.core.record.Facility;
import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.record.Rfc3339;
import dev.logrouter.sinks.text.TextEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code logrouter dmesg}: the kernel records of the journal, dmesg style. */
@Command(name = "dmesg", mixinStandardHelpOptions = true,
        description = {"Print the kernel records (stream 'kernel') of a running logrouter's journal like "
                + "'dmesg -x': facility, level, [seconds since boot] or the wall-clock time, message.",
            "Exit codes as for 'logrouter read'."})
final class DmesgCommand implements Callable<Integer> {

    /** dmesg's level names, most severe first. */
    private static final String[] LEVELS = {"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug"};

    @Mixin
    SocketOption socket;

    @Option(names = {"-f", "--follow"}, description = "Print the kernel records held, then follow new ones.")
    boolean follow;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", description = "Only the last N kernel records.")
    long lines;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (lines < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-n must not be negative");
        }
        QueryRequest q = new QueryRequest(follow ? ReadMode.DUMP_THEN_FOLLOW : ReadMode.DUMP, lines, List.of(),
                List.of("kernel"), List.of(), null, 0, Map.of(), false);
        return RecordStream.run(spec, socket, q, line ->
                (format(RecordJson.parse(line)) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** {@code kern  :warn  : [    1.234567] message}; wall-clock time when the record has no {@code clock}. */
    static String format(LogRecord r) {
        StringBuilder sb = new StringBuilder(48 + r.msg().length());
        String facility = r.isGap() ? "logrouter" : facilityName(r.fields().get(FieldNames.FACILITY));
        String level = LEVELS[r.level().code()];
        sb.append(pad(facility, 6)).append(':').append(pad(level, 6)).append(": [");
        Object clock = r.fields().get(FieldNames.CLOCK);
        long usec = -1;
        if (clock instanceof Number n) {
            usec = n.longValue();
        } else if (clock instanceof String s) {
            try {
                usec = Long.parseLong(s.trim());
            } catch (NumberFormatException ignored) {
                usec = -1;
            }
        }
        if (usec >= 0) {
            sb.append(String.format("%5d.%06d", usec / 1_000_000, usec % 1_000_000));
        } else {
            Rfc3339.append(sb, r.time());
        }
        sb.append("] ");
        TextEncoder.appendEscaped(sb, r.msg());
        return sb.toString();
    }

    private static String facilityName(Object f) {
        if (f instanceof Number n) {
            Facility known = Facility.ofCode(n.intValue());
            return known == null ? Integer.toString(n.intValue()) : known.dmesgLabel();
        }
        if (f instanceof String s && !s.isEmpty()) {
            try {
                Facility known = Facility.ofCode(Integer.parseInt(s));
                return known == null ? s : known.dmesgLabel();
            } catch (NumberFormatException e) {
                return s;
            }
        }
        return "kern";
    }

    private static String pad(String s, int width) {
        StringBuilder sb = new StringBuilder(s);
        while (sb.length() < width) {
            sb.append(' ');
        }
        return sb.toString();
    }
}
