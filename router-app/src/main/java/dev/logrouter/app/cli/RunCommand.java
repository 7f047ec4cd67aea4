package dev.logrouter.app.cli;

import dev.logrouter.app.config.ConfigException;
import dev.logrouter.app.config.ConfigProblem;
import dev.logrouter.app.config.RouterConfig;
import dev.logrouter.app.daemon.Daemon;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code logrouter run}: the daemon, until SIGTERM or SIGINT. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the router in the foreground until SIGTERM or SIGINT.",
            "On a signal it stops its sources, drains its sinks and exits 0."})
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    ConfigOption config;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "5s",
            description = "How long sinks may take to flush on shutdown (default: ${DEFAULT-VALUE}).")
    String drainTimeout;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        RouterConfig c;
        try {
            c = config.load();
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                err.println(p.format(e.file()));
            }
            err.flush();
            return 1;
        } catch (IOException e) {
            err.println("logrouter: cannot read config " + config.file() + ": " + e);
            err.flush();
            return 1;
        }
        Duration drain = Duration.parse("PT" + drainTimeout.toUpperCase(java.util.Locale.ROOT));
        CountDownLatch stop = new CountDownLatch(1);
        for (String sig : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(sig), s -> {
                LOG.info("received SIG{}, shutting down", s.getName());
                stop.countDown();
            });
        }
        Signal.handle(new Signal("HUP"), s ->
                LOG.warn("received SIGHUP: configuration reload is not supported by this version; restart to apply changes"));
        Daemon daemon;
        try {
            daemon = Daemon.start(c);
        } catch (IOException | RuntimeException e) {
            err.println("logrouter: cannot start: " + e.getMessage());
            err.flush();
            return 1;
        }
        stop.await();
        daemon.stop(drain);
        return 0;
    }
}
