package dev.logrouter.app.cli;

import dev.logrouter.app.config.RouterConfig;
import dev.logrouter.app.daemon.ConfigReload;
import dev.logrouter.app.daemon.Daemon;
import dev.logrouter.app.daemon.ReadySignal;
import dev.logrouter.app.daemon.ShutdownWatchdog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** {@code logrouter run}: the daemon, until SIGTERM or SIGINT. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the router in the foreground until SIGTERM or SIGINT.",
            "On SIGTERM/SIGINT it stops its sources, drains its sinks and exits 0; a shutdown that takes",
            "longer than the drain timeout plus 10s prints a thread dump to stderr and exits 3.",
            "On SIGHUP (or 'logrouter reload') it reloads the config: the journal and unchanged sources and",
            "sinks keep running; an invalid config is reported and the running one stays."})
final class RunCommand implements Callable<Integer> {

    /** Why a config without sources is not run (an empty file is one): it could never route a line. */
    static final String NO_SOURCES = ConfigReload.NO_SOURCES;

    /** Created on first use: picocli instantiates every command, and only {@code run} needs logging. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    }

    @Mixin
    ConfigOption config;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "5s",
            description = "How long sinks may take to flush on shutdown (default: ${DEFAULT-VALUE}).")
    String drainTimeout;

    /** What a shutdown may take beyond the drain timeout: stopping sources, closing sockets and processes. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    @Option(names = "--ready-file", paramLabel = "FILE",
            description = {"Create FILE (holding the pid) once every socket is bound and every source runs;",
                "removed at stop. Under systemd (Type=notify) READY=1 is also sent to $NOTIFY_SOCKET."})
    Path readyFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static String ignoredEffect(List<String> ignored) {
        return ignored.stream()
                .map(s -> s + (s.equals("SIGHUP") ? " will not reload the config" : " will not stop the router"))
                .collect(Collectors.joining(", "));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        RouterConfig c = config.loadOrReport(err);
        if (c == null) {
            return 1;
        }
        if (c.sources().isEmpty()) {
            err.println("logrouter: " + c.file() + ": " + NO_SOURCES);
            err.flush();
            return 1;
        }
        Duration drain;
        try {
            drain = dev.logrouter.app.config.ConfigLoader.parseDuration(drainTimeout);
        } catch (IllegalArgumentException e) {
            err.println("logrouter: --drain-timeout: " + e.getMessage());
            err.flush();
            return ExitCodes.USAGE;
        }
        // signal handlers only queue the signal; the main thread acts on it
        BlockingQueue<String> signals = new LinkedBlockingQueue<>();
        List<String> ignored = new ArrayList<>();
        for (String sig : new String[] {"TERM", "INT", "HUP"}) {
            // the JVM keeps a signal its parent ignored (nohup, some supervisors) ignored and installs nothing
            if (Signal.handle(new Signal(sig), s -> signals.add(s.getName())) == SignalHandler.SIG_IGN) {
                ignored.add("SIG" + sig);
            }
        }
        Daemon daemon;
        try {
            daemon = Daemon.start(c, config::read, drain);
        } catch (IOException | RuntimeException e) {
            err.println("logrouter: cannot start: " + e.getMessage());
            err.flush();
            return 1;
        }
        if (!ignored.isEmpty()) {
            Log.LOG.warn("{} ignored by this process (inherited from its parent, as nohup does), so the JVM cannot "
                    + "handle {}: {}; start logrouter without the ignore (e.g. `env --default-signal=HUP,INT,TERM`)",
                    String.join(", ", ignored), ignored.size() == 1 ? "it" : "them", ignoredEffect(ignored));
        }
        ReadySignal ready = new ReadySignal(System.getenv(), readyFile);
        try {
            ready.ready();
        } catch (IOException e) {
            Log.LOG.error("cannot signal readiness ({}): {}", readyFile == null ? "NOTIFY_SOCKET" : readyFile,
                    e.getMessage());
        }
        while (true) {
            String sig = signals.take();
            if (!"HUP".equals(sig)) {
                Log.LOG.info("received SIG{}, shutting down", sig);
                break;
            }
            // the same path, one at a time, as `logrouter reload` on the query socket
            daemon.reloads().reload("SIGHUP");
        }
        ready.stopping();
        try (ShutdownWatchdog watchdog = ShutdownWatchdog.arm(drain.plus(SHUTDOWN_GRACE), err)) {
            daemon.stop(drain);
        }
        return 0;
    }
}
