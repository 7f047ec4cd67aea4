package dev.logrouter.app.cli;

import dev.logrouter.app.config.RouterConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code logrouter check}: validates a config; exit 0, or 1 with one {@code FILE:LINE:COL: message} per error. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Validate a config file.",
            "Exit 0 when valid; otherwise exit 1 and print FILE:LINE:COL: message for every error."})
final class CheckCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        RouterConfig c = config.loadOrReport(spec.commandLine().getErr());
        if (c == null) {
            return 1;
        }
        if (c.sources().isEmpty()) {
            // valid YAML, but nothing to route: `run` refuses it, so say so now
            PrintWriter err = spec.commandLine().getErr();
            err.printf("%s: warning: %s%n", c.file(), RunCommand.NO_SOURCES);
            err.flush();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s: ok (%d sources, %d sinks, %d routes)%n", c.file(), c.sources().size(), c.sinks().size(),
                c.routes().size());
        out.flush();
        return 0;
    }
}
