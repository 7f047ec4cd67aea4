package dev.logrouter.app.cli;

import dev.logrouter.app.query.QueryRequest;
import dev.logrouter.app.status.StatusReport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code logrouter status}: counters of a running logrouter. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show per-source and per-sink counters, buffer depths, drops and connection state, "
                + "the journal and the query socket of a running logrouter.",
            "Exit codes as for 'logrouter read'."})
final class StatusCommand extends OneQuestionCommand {

    @Option(names = "--json", description = "Print the status as one JSON object.")
    boolean json;

    StatusCommand() {
        super("status answer");
    }

    @Override
    int answer(PrintWriter out, PrintWriter err) throws CliFailure {
        String line = ask(QueryRequest.statusRequest().toJson(), "a status");
        out.print(json ? line + "\n" : render(StatusReport.parse(line)));
        return ExitCodes.OK;
    }

    static String render(StatusReport r) {
        StringBuilder sb = new StringBuilder(1024);
        StatusReport.JournalStatus j = r.journal();
        sb.append("logrouter up ").append(duration(r.uptimeSeconds())).append('\n');
        sb.append(String.format("journal: %d/%d records, %s/%s, oldest %s, appended %d, overwritten %d, "
                        + "reader gaps %d, followers %d%n", j.records(), j.maxLines(), bytes(j.bytes()),
                bytes(j.maxBytes()), j.oldestTime() == null ? "-" : j.oldestTime(), j.appended(), j.overwritten(),
                j.readerGaps(), j.followers()));
        if (r.query() != null) {
            StatusReport.QueryStatus q = r.query();
            sb.append(String.format("query: %s, connections %d, active %d, refused %d, timeouts %d, "
                            + "bad requests %d, records sent %d%n", q.socket(), q.connections(), q.active(),
                    q.refused(), q.timedOut(), q.badRequests(), q.recordsSent()));
        }
        sb.append('\n');
        List<String[]> src = new ArrayList<>();
        src.add(new String[] {"SOURCE", "TYPE", "STATE", "RECORDS", "BYTES", "ERRORS", "DROPPED", "RESTARTS", "EXIT",
            "LAST ERROR"});
        for (StatusReport.Source s : r.sources()) {
            src.add(new String[] {s.name(), s.type(), s.state(), Long.toString(s.records()), Long.toString(s.bytes()),
                Long.toString(s.errors()), Long.toString(s.dropped()), Long.toString(s.restarts()),
                s.lastExitCode() == null ? "-" : Integer.toString(s.lastExitCode()),
                s.lastError() == null ? "-" : s.lastError()});
        }
        table(sb, src);
        for (StatusReport.Source s : r.sources()) {
            if (s.counters() != null && !s.counters().isEmpty()) {
                StringBuilder line = new StringBuilder("  ").append(s.name()).append(':');
                s.counters().forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
                sb.append(line).append('\n');
            }
        }
        sb.append('\n');
        List<String[]> snk = new ArrayList<>();
        snk.add(new String[] {"SINK", "TYPE", "CONNECTION", "IN", "OUT", "WRITTEN", "RESENT", "DROPPED", "DEPTH",
            "RECONNECTS", "LAST ERROR"});
        for (StatusReport.Sink s : r.sinks()) {
            snk.add(new String[] {s.name(), s.type(), s.connection(), Long.toString(s.offered()),
                Long.toString(s.delivered()), Long.toString(s.written()), Long.toString(s.resent()),
                Long.toString(s.dropped()), s.depth() + "/" + s.maxEvents(), Long.toString(s.reconnects()),
                s.lastError() == null ? "-" : s.lastError()});
        }
        table(sb, snk);
        for (StatusReport.Sink s : r.sinks()) {
            if (s.counters() != null && !s.counters().isEmpty()) {
                StringBuilder line = new StringBuilder("  ").append(s.name()).append(':');
                s.counters().forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
                sb.append(line).append('\n');
            }
        }
        for (StatusReport.Sink s : r.sinks()) {
            if (s.dropped() > 0) {
                sb.append(String.format("  %s: dropped %d = buffer full %d + shutdown %d + transport %d"
                                + " + encode error %d%n", s.name(), s.dropped(), s.droppedFull(), s.droppedShutdown(),
                        s.droppedTransport(), s.droppedEncode()));
            }
        }
        for (StatusReport.Sink s : r.sinks()) {
            if (s.droppedRateLimit() > 0 || s.skippedBlank() > 0) {
                sb.append(String.format("  %s: before the buffer: rate limit dropped %d, blank lines skipped %d%n",
                        s.name(), s.droppedRateLimit(), s.skippedBlank()));
            }
        }
        if (!r.routes().isEmpty()) {
            sb.append('\n');
            List<String[]> rt = new ArrayList<>();
            rt.add(new String[] {"ROUTE", "TO", "RATE LIMITED", "BLANK SKIPPED"});
            for (StatusReport.Route route : r.routes()) {
                rt.add(new String[] {Integer.toString(route.index()), String.join(",", route.to()),
                    Long.toString(route.droppedRateLimit()), Long.toString(route.skippedBlank())});
            }
            table(sb, rt);
        }
        return sb.toString();
    }

    private static void table(StringBuilder sb, List<String[]> rows) {
        int[] w = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                w[i] = Math.max(w[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(w[i] - row[i].length() + 2));
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
    }

    private static String bytes(long b) {
        if (b >= 1024L * 1024) {
            return String.format("%.1f MiB", b / 1048576.0);
        }
        if (b >= 1024) {
            return String.format("%.1f KiB", b / 1024.0);
        }
        return b + " B";
    }

    private static String duration(long s) {
        if (s >= 86400) {
            return String.format("%dd%02dh%02dm", s / 86400, s % 86400 / 3600, s % 3600 / 60);
        }
        if (s >= 3600) {
            return String.format("%dh%02dm%02ds", s / 3600, s % 3600 / 60, s % 60);
        }
        return String.format("%dm%02ds", s / 60, s % 60);
    }
}
