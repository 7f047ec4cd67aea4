package dev.logrouter.app.daemon;

import dev.logrouter.app.config.RouterConfig;
import dev.logrouter.app.config.RouterEnv;
import dev.logrouter.app.config.SinkDef;
import dev.logrouter.app.config.SourceDef;
import dev.logrouter.app.selflog.JournalAppender;
import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.router.Router;
import dev.logrouter.core.router.Router.SinkBinding;
import dev.logrouter.core.router.Router.SourceBinding;
import dev.logrouter.core.transform.TransformChain;
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
 * sources, and the router's own log. {@link #reload} applies a new config in place; {@link #stop}
 * stops sources first, then drains sinks.
 */
public final class Daemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final Journal journal;
    private final Router router;
    private final RouterEnv env;
    private volatile RouterConfig config;
    private final Map<String, Running<SourceDef, SourceBinding>> sources = new LinkedHashMap<>();
    private final Map<String, Running<SinkDef, SinkBinding>> sinks = new LinkedHashMap<>();
    /** Started after sources and sinks, closed first on stop (query socket, metrics...). */
    private final List<AutoCloseable> services = new ArrayList<>();
    private boolean stopped;
    /** How a reload is asked for, or {@code null} when this daemon cannot re-read its config. */
    private volatile ConfigReload reloads;

    /** A config entry with what runs for it. */
    private record Running<D, B>(D def, B binding) {
    }

    /** What a reload changed, by name. */
    public record ReloadResult(List<String> kept, List<String> started, List<String> stopped, List<String> notApplied) {
    }

    private Daemon(RouterConfig config, Journal journal, Router router) {
        this.config = config;
        this.journal = journal;
        this.router = router;
        this.env = new RouterEnv(config.runtimeDir(), journal);
    }

    /** Builds and starts everything the config describes; it cannot be asked to reload (see {@link #reloads}). */
    public static Daemon start(RouterConfig config) throws IOException {
        return start(config, null, null);
    }

    /**
     * Builds and starts everything the config describes, with {@code file} to read the config again
     * when a reload is asked for (SIGHUP through {@link #reloads}, a reload request on the query socket).
     *
     * @param file  re-reads the config; {@code null} for none (reload requests are then answered with an error)
     * @param drain how long a sink a reload stops may take to deliver what it holds
     */
    public static Daemon start(RouterConfig config, ConfigReload.ConfigFile file, Duration drain) throws IOException {
        long started = System.currentTimeMillis();
        createRuntimeDir(config.runtimeDir());
        Journal journal = Journal.create(config.journal());
        Router router = new Router(journal);
        JournalAppender.attach(router);
        Daemon d = new Daemon(config, journal, router);
        try {
            synchronized (d) {
                d.apply(config, Duration.ofSeconds(1));
            }
            d.refuseFailedSources();
            if (file != null) {
                d.reloads = new ConfigReload(d, config.file(), file, drain);
                d.addService(d.reloads);
            }
            DaemonEndpoints.start(d, started);
        } catch (RuntimeException e) {
            d.stop(Duration.ofSeconds(1));
            throw e;
        }
        LOG.info("logrouter started: {} sources, {} sinks, {} routes, config {}", config.sources().size(),
                config.sinks().size(), config.routes().size(), config.file());
        return d;
    }

    /**
     * A source that failed while starting (its socket is held by another process, its path is a
     * regular file...) fails the start: a router that runs deaf is worse than one that does not run.
     */
    private void refuseFailedSources() {
        for (SourceBinding b : router.sources()) {
            if ("failed".equals(b.counters().state())) {
                throw new java.io.UncheckedIOException(new IOException("source " + b.source().name()
                        + " cannot start: " + b.counters().lastError()));
            }
        }
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

    /** The one reload path of this daemon (serialized), or {@code null} when it was started without a config file to re-read. */
    public ConfigReload reloads() {
        return reloads;
    }

    /** Registers something to close on {@link #stop}, before sources and sinks stop. */
    public synchronized void addService(AutoCloseable service) {
        services.add(service);
    }

    /**
     * Applies a new config without a restart. The journal and its contents stay; sources and sinks
     * whose config is unchanged keep running untouched (connections, processes, positions); new ones
     * start, removed ones stop (sinks drain within {@code drain}), changed ones are replaced. Journal
     * bounds, the query socket and the metrics endpoint are not changed by a reload and are reported
     * in {@link ReloadResult#notApplied()}.
     */
    public synchronized ReloadResult reload(RouterConfig next, Duration drain) {
        if (stopped) {
            throw new IllegalStateException("router is stopped");
        }
        List<String> notApplied = new ArrayList<>();
        if (!next.journal().equals(config.journal())) {
            notApplied.add("journal");
        }
        if (!next.query().equals(config.query())) {
            notApplied.add("query");
        }
        if (next.metrics() == null ? config.metrics() != null : !next.metrics().equals(config.metrics())) {
            notApplied.add("metrics");
        }
        ReloadResult r = apply(next, drain);
        RouterConfig applied = new RouterConfig(next.file(), config.runtimeDir(), config.journal(), next.sources(),
                next.sinks(), next.routes(), config.query(), config.metrics());
        config = applied;
        ReloadResult result = new ReloadResult(r.kept(), r.started(), r.stopped(), notApplied);
        LOG.info("config reloaded from {}: kept {}, started {}, stopped {}{}", next.file(), result.kept(),
                result.started(), result.stopped(),
                notApplied.isEmpty() ? "" : "; restart to apply changes to " + notApplied);
        return result;
    }

    /** Brings sinks, routes and sources from what runs now to what {@code next} describes. */
    private ReloadResult apply(RouterConfig next, Duration drain) {
        List<String> kept = new ArrayList<>();
        List<String> started = new ArrayList<>();
        List<String> stoppedNames = new ArrayList<>();

        // A changed sink whose old buffer is on disk stops first: its directory is locked while in use,
        // and what it still holds stays there for its replacement.
        for (SinkDef def : next.sinks()) {
            Running<SinkDef, SinkBinding> now = sinks.get(def.name());
            if (now != null && !now.def().equals(def) && now.def().buffer().isDisk()) {
                router.unbindSink(now.binding(), drain);
                stoppedNames.add("sink " + def.name());
                sinks.remove(def.name());
            }
        }
        Map<String, Running<SinkDef, SinkBinding>> nextSinks = new LinkedHashMap<>();
        List<SinkBinding> bindings = new ArrayList<>();
        for (SinkDef def : next.sinks()) {
            Running<SinkDef, SinkBinding> now = sinks.get(def.name());
            Running<SinkDef, SinkBinding> r = now != null && now.def().equals(def) ? now
                    : new Running<>(def, router.bindSink(def.create(env), def.buffer()));
            (r == now ? kept : started).add("sink " + def.name());
            nextSinks.put(def.name(), r);
            bindings.add(r.binding());
        }
        Map<String, TransformChain> sinkTransforms = new LinkedHashMap<>();
        for (SinkDef def : next.sinks()) {
            TransformChain chain = def.transformChain();
            if (!chain.isEmpty()) {
                sinkTransforms.put(def.name(), chain);
            }
        }
        router.route(bindings, next.routes(), sinkTransforms);
        for (Running<SinkDef, SinkBinding> old : sinks.values()) {
            if (nextSinks.get(old.def().name()) != old) {
                router.unbindSink(old.binding(), drain);
                stoppedNames.add("sink " + old.def().name());
            }
        }
        sinks.clear();
        sinks.putAll(nextSinks);

        Map<String, Running<SourceDef, SourceBinding>> nextSources = new LinkedHashMap<>();
        for (SourceDef def : next.sources()) {
            Running<SourceDef, SourceBinding> now = sources.get(def.name());
            if (now != null && now.def().equals(def)) {
                nextSources.put(def.name(), now);
                kept.add("source " + def.name());
            }
        }
        // stop removed and changed sources before starting their replacements: they may hold a
        // socket path or a device the new one needs
        for (Running<SourceDef, SourceBinding> old : sources.values()) {
            if (nextSources.get(old.def().name()) != old) {
                router.detach(old.binding());
                stoppedNames.add("source " + old.def().name());
            }
        }
        for (SourceDef def : next.sources()) {
            if (!nextSources.containsKey(def.name())) {
                nextSources.put(def.name(), new Running<>(def, router.attach(def.create(env))));
                started.add("source " + def.name());
            }
        }
        sources.clear();
        for (SourceDef def : next.sources()) {
            sources.put(def.name(), nextSources.get(def.name()));
        }
        return new ReloadResult(kept, started, stoppedNames, List.of());
    }

    /**
     * Stops sources, drains sinks within {@code deadline}, closes services. Idempotent. Each sink that
     * could not deliver everything it held is named on stderr with the count (counted as dropped).
     */
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
        Map<String, Long> lost = router.shutdown(deadline);
        // stderr (WARN): an operator stopping the daemon learns what the stop cost
        lost.forEach((sink, n) -> LOG.warn("sink {}: {} records not delivered at shutdown (counted as dropped)",
                sink, n));
        JournalAppender.detach();
        router.close();
        journal.close();
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }
}
