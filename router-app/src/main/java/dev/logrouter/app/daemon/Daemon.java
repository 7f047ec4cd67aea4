package dev.logrouter.app.daemon;

import dev.logrouter.app.config.RouterConfig;
import dev.logrouter.app.config.RouterEnv;
import dev.logrouter.app.config.SinkDef;
import dev.logrouter.app.config.SourceDef;
import dev.logrouter.app.selflog.JournalAppender;
import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.router.Router;
import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.LogSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running router built from a {@link RouterConfig}: journal, sinks with their buffers, routes,
 * sources, and the router's own log. {@link #stop} stops sources first, then drains sinks.
 */
public final class Daemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final RouterConfig config;
    private final Journal journal;
    private final Router router;
    /** Started after sources and sinks, closed first on stop (query socket, metrics...). */
    private final List<AutoCloseable> services = new ArrayList<>();
    private boolean stopped;

    private Daemon(RouterConfig config, Journal journal, Router router) {
        this.config = config;
        this.journal = journal;
        this.router = router;
    }

    /** Builds and starts everything the config describes. */
    public static Daemon start(RouterConfig config) throws IOException {
        createRuntimeDir(config.runtimeDir());
        Journal journal = Journal.create(config.journal());
        Router router = new Router(journal);
        JournalAppender.attach(router);
        Daemon d = new Daemon(config, journal, router);
        try {
            RouterEnv env = new RouterEnv(config.runtimeDir(), journal);
            Map<LogSink, BufferSpec> sinks = new LinkedHashMap<>();
            for (SinkDef s : config.sinks()) {
                sinks.put(s.create(env), s.buffer());
            }
            router.startSinks(sinks, config.routes());
            for (SourceDef s : config.sources()) {
                router.attach(s.create(env));
            }
        } catch (RuntimeException e) {
            d.stop(Duration.ofSeconds(1));
            throw e;
        }
        LOG.info("logrouter started: {} sources, {} sinks, {} routes, config {}", config.sources().size(),
                config.sinks().size(), config.routes().size(), config.file());
        return d;
    }

    private static void createRuntimeDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
            } catch (UnsupportedOperationException ignored) {
                // non-POSIX file system: keep the default permissions
            }
        }
    }

    public RouterConfig config() {
        return config;
    }

    public Journal journal() {
        return journal;
    }

    public Router router() {
        return router;
    }

    /** Registers something to close on {@link #stop}, before sources and sinks stop. */
    public synchronized void addService(AutoCloseable service) {
        services.add(service);
    }

    /** Stops sources, drains sinks within {@code deadline}, closes services. Idempotent. */
    public synchronized void stop(Duration deadline) {
        if (stopped) {
            return;
        }
        stopped = true;
        LOG.info("logrouter stopping");
        for (int i = services.size() - 1; i >= 0; i--) {
            try {
                services.get(i).close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", services.get(i), e.toString());
            }
        }
        router.shutdown(deadline);
        JournalAppender.detach();
        router.close();
        journal.close();
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }
}
