package dev.logrouter.app.cli;

import dev.logrouter.app.query.QueryRequest;
import dev.logrouter.app.query.ReloadReport;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code logrouter reload}: asks a running logrouter to reload its config, as SIGHUP does, and prints the result. */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = {"Ask a running logrouter to reload its config, as SIGHUP does.",
            "The request goes over the query socket. Prints what was kept, started and stopped and exits 0;",
            "an invalid config is refused with the FILE:LINE:COL: message lines 'logrouter check' prints,",
            "exit 1, and the running config stays. Who may ask: whoever may open the query socket",
            "(query.mode, query.allow_uids/allow_gids). Other exit codes as for 'logrouter read'."})
final class ReloadCommand extends OneQuestionCommand {

    ReloadCommand() {
        super("reload answer");
    }

    @Override
    int answer(PrintWriter out, PrintWriter err) throws CliFailure {
        ReloadReport r = ReloadReport.parse(ask(QueryRequest.reloadRequest().toJson(), "a reload answer"));
        if (!r.ok()) {
            r.errors().forEach(err::println);
            throw new CliFailure(ExitCodes.ERROR, "reload refused, the running config stays");
        }
        out.print(render(r));
        return ExitCodes.OK;
    }

    /** {@code OK FILE reloaded} and one line each for kept, started, stopped and what needs a restart. */
    static String render(ReloadReport r) {
        StringBuilder sb = new StringBuilder("OK ").append(r.file()).append(" reloaded\n");
        part(sb, "kept", r.kept());
        part(sb, "started", r.started());
        part(sb, "stopped", r.stopped());
        if (!r.notApplied().isEmpty()) {
            sb.append("  restart to apply: ").append(String.join(", ", r.notApplied())).append('\n');
        }
        return sb.toString();
    }

    private static void part(StringBuilder sb, String what, List<String> names) {
        sb.append("  ").append(what).append(": ").append(names.isEmpty() ? "-" : String.join(", ", names)).append('\n');
    }
}
