package dev.logrouter.app.cli;

import dev.logrouter.app.config.RouterConfig;
import dev.logrouter.app.config.SinkDef;
import dev.logrouter.app.config.SourceDef;
import dev.logrouter.core.route.RouteSpec;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code logrouter check}: validates a config; exit 0, or 1 with one {@code FILE:LINE:COL: message} per error. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Validate a config file.",
            "Exit 0 when valid; otherwise exit 1 and print FILE:LINE:COL: message for every error.",
            "Warnings (a sink no route feeds, a source no route takes) go to stderr and keep exit 0."})
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
        PrintWriter err = spec.commandLine().getErr();
        if (c.sources().isEmpty()) {
            // valid YAML, but nothing to route: `run` refuses it, so say so now
            err.printf("%s: warning: %s%n", c.file(), RunCommand.NO_SOURCES);
        }
        for (String w : warnings(c)) {
            err.println(c.file() + ": warning: " + w);
        }
        err.flush();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s: ok (%d sources, %d sinks, %d routes)%n", c.file(), c.sources().size(), c.sinks().size(),
                c.routes().size());
        out.flush();
        return 0;
    }

    /** What is valid but probably not meant: sinks no route feeds, sources no route takes. */
    static List<String> warnings(RouterConfig c) {
        List<String> w = new ArrayList<>();
        Set<String> fed = new HashSet<>();
        boolean everySourceRouted = false;
        Set<String> routedSources = new HashSet<>();
        for (RouteSpec r : c.routes()) {
            fed.addAll(r.to());
            if (r.from().isEmpty()) {
                everySourceRouted = true;
            }
            routedSources.addAll(r.from());
        }
        for (SinkDef s : c.sinks()) {
            if (!fed.contains(s.name())) {
                w.add("sink '" + s.name() + "' is not fed by any route");
            }
        }
        if (!everySourceRouted) {
            for (SourceDef s : c.sources()) {
                if (!routedSources.contains(s.name())) {
                    w.add("source '" + s.name() + "' is not taken by any route (its records only enter the journal)");
                }
            }
        }
        return w;
    }
}
