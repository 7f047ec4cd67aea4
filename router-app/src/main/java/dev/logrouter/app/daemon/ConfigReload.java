package dev.logrouter.app.daemon;

import dev.logrouter.app.config.ConfigException;
import dev.logrouter.app.config.ConfigProblem;
import dev.logrouter.app.config.RouterConfig;
import dev.logrouter.app.query.ReloadReport;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a running router reloads its config, whoever asks (SIGHUP, {@code logrouter reload} on
 * the query socket): the config file is read again; an invalid one, or one without sources, is
 * refused with the same {@code FILE:LINE:COL: message} lines {@code logrouter check} prints and the
 * running config stays; a valid one is applied by {@link Daemon#reload}.
 *
 * <p>Reloads run one at a time, in the order they were asked, on one thread of their own: a signal
 * and a request never reload at the same time, and a Netty event loop never waits for a reload.
 */
public final class ConfigReload implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);

    /** Why a config without sources is neither run nor reloaded to: it could never route a line. */
    public static final String NO_SOURCES = "the config defines no sources, so it has nothing to route "
            + "(an empty file is such a config); `run` refuses it";

    /** Reads the config the router was started with, again. */
    @FunctionalInterface
    public interface ConfigFile {
        /**
         * @throws ConfigException for an invalid or unreadable file, with its problems as {@code check}
         *                         reports them
         */
        RouterConfig read() throws ConfigException;
    }

    private final Daemon daemon;
    private final String fileName;
    private final ConfigFile file;
    private final Duration drain;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "logrouter-reload");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param fileName what the router was started with, for messages ({@code <built-in default>} too)
     * @param drain    how long a stopped sink may take to deliver what it holds
     */
    public ConfigReload(Daemon daemon, String fileName, ConfigFile file, Duration drain) {
        this.daemon = Objects.requireNonNull(daemon, "daemon");
        this.fileName = Objects.requireNonNull(fileName, "fileName");
        this.file = Objects.requireNonNull(file, "file");
        this.drain = Objects.requireNonNull(drain, "drain");
    }

    /**
     * Queues a reload and returns at once; the future completes with its report (never
     * exceptionally, except when the router is closed before the reload ran).
     *
     * @param cause who asked, for the router's log ({@code SIGHUP}, the query peer)
     */
    public CompletableFuture<ReloadReport> request(String cause) {
        try {
            return CompletableFuture.supplyAsync(() -> run(cause), thread);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.completedFuture(ReloadReport.refused(fileName, List.of("router is stopping")));
        }
    }

    /** Reloads and waits for the report. */
    public ReloadReport reload(String cause) {
        return request(cause).join();
    }

    private ReloadReport run(String cause) {
        LOG.info("reloading {} (asked by {})", fileName, cause);
        RouterConfig next;
        try {
            next = file.read();
        } catch (ConfigException e) {
            List<String> lines = e.problems().stream().map(p -> p.format(e.file())).toList();
            LOG.error("reload refused, keeping the running config: {}", String.join("; ", lines));
            return ReloadReport.refused(e.file(), lines);
        } catch (RuntimeException e) {
            LOG.error("reload refused, keeping the running config: cannot read {}: {}", fileName, e.toString());
            return ReloadReport.refused(fileName, List.of(fileName + ": cannot read: " + e.getMessage()));
        }
        if (next.sources().isEmpty()) {
            LOG.error("reload refused, keeping the running config: {}: {}", next.file(), NO_SOURCES);
            return ReloadReport.refused(next.file(), List.of(next.file() + ": " + NO_SOURCES));
        }
        try {
            Daemon.ReloadResult r = daemon.reload(next, drain);
            return new ReloadReport(true, next.file(), r.kept(), r.started(), r.stopped(), r.notApplied(), List.of());
        } catch (RuntimeException e) {
            LOG.error("reload failed, keeping the running config: {}", e.toString());
            return ReloadReport.refused(next.file(), List.of(next.file() + ": reload failed: " + e.getMessage()));
        }
    }

    /**
     * Lets the reloads already asked finish (on a stopped router they are refused); later requests
     * are refused.
     */
    @Override
    public void close() {
        thread.shutdown();
    }

    /** A problem of a whole file (unreadable, say), placed where {@code check} places it: at 1:1. */
    public static ConfigException fileProblem(String file, String message) {
        return new ConfigException(file, List.of(new ConfigProblem(
                new dev.logrouter.app.config.ConfigNode.Position(1, 1), null, message)));
    }
}
