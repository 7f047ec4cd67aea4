package dev.logrouter.app.metrics;

import dev.logrouter.app.status.StatusReport;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The {@code metrics.listen} HTTP endpoint: Prometheus text at {@code GET /metrics} and
 * {@code GET /health}; other methods on them get 405.
 *
 * <p>Every figure of {@code logrouter status} is exported, from a fresh {@link StatusReport} taken
 * at each scrape, by Prometheus conventions: monotonic figures are counters ({@code _total}), sizes
 * are in base units ({@code _bytes}, {@code _seconds}), drops carry a {@code reason} label, states are
 * one series per state with value 1 for the current one. Every source reports the same set (label
 * {@code source}, {@code type}), so does every sink (label {@code sink}, {@code type}); plus the
 * journal, the query socket, {@code logrouter_build_info}, and Micrometer's JVM and process binders
 * (memory, GC, threads, classes, CPU, open file descriptors, {@code process_start_time_seconds}).
 * Meters of sources and sinks that disappear are removed. {@code docs/metrics.md} lists them all.
 * {@code /health} answers 200 {@code {"status":"up"}} when no source failed or is in a restart loop
 * and every sink's connection is up or idle, else 503 with the reasons.
 */
public final class MetricsServer implements AutoCloseable {

    /** Source states exported as {@code logrouter_source_state{state=...}}. */
    static final List<String> SOURCE_STATES = List.of("starting", "running", "restarting", "exited", "failed",
            "stopped");
    /** Sink connection states exported as {@code logrouter_sink_connection{state=...}}. */
    static final List<String> SINK_STATES = List.of("up", "idle", "connecting", "down", "closed", "stopped");

    private final Supplier<StatusReport> status;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, List<Meter>> perComponent = new ConcurrentHashMap<>();
    private volatile StatusReport latest;
    /** Micrometer holds the objects behind function meters weakly: keep them reachable here. */
    private final List<Object> keepAlive = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final DisposableServer server;

    private MetricsServer(String listen, Supplier<StatusReport> status) {
        this.status = Objects.requireNonNull(status, "status");
        this.latest = status.get();
        registerGlobal();
        InetSocketAddress addr = parseListen(listen);
        this.server = HttpServer.create()
                .bindAddress(() -> addr)
                .route(r -> r.get("/metrics", this::metrics).get("/health", this::health)
                        .route(req -> !HttpMethod.GET.equals(req.method()) && !HttpMethod.HEAD.equals(req.method())
                                && ("/metrics".equals(req.fullPath()) || "/health".equals(req.fullPath())),
                                MetricsServer::methodNotAllowed))
                .bindNow(Duration.ofSeconds(10));
    }

    /** Binds {@code host:port} ({@code [::1]:9880} for IPv6; port 0 picks a free port) and serves. */
    public static MetricsServer start(String listen, Supplier<StatusReport> status) {
        return new MetricsServer(listen, status);
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) server.address()).getPort();
    }

    static InetSocketAddress parseListen(String listen) {
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("metrics.listen must be host:port, was '" + listen + "'");
        }
        String host = listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(host, Integer.parseInt(listen.substring(colon + 1)));
    }

    private Mono<Void> metrics(HttpServerRequest req, HttpServerResponse res) {
        return Mono.fromCallable(this::scrape)
                .flatMap(text -> res.header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                        .sendString(Mono.just(text)).then());
    }

    private static Mono<Void> methodNotAllowed(HttpServerRequest req, HttpServerResponse res) {
        return res.status(HttpResponseStatus.METHOD_NOT_ALLOWED).header("Allow", "GET, HEAD")
                .sendString(Mono.just("only GET\n")).then();
    }

    private Mono<Void> health(HttpServerRequest req, HttpServerResponse res) {
        return Mono.fromCallable(status::get).flatMap(r -> {
            List<String> reasons = r.unhealthyReasons();
            String body;
            if (reasons.isEmpty()) {
                body = "{\"status\":\"up\"}\n";
            } else {
                StringBuilder sb = new StringBuilder("{\"status\":\"down\",\"reasons\":[");
                for (int i = 0; i < reasons.size(); i++) {
                    sb.append(i == 0 ? "" : ",").append(quote(reasons.get(i)));
                }
                body = sb.append("]}\n").toString();
            }
            return res.status(reasons.isEmpty() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE)
                    .header("Content-Type", "application/json")
                    .sendString(Mono.just(body)).then();
        });
    }

    private static String quote(String s) {
        return '"' + new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
    }

    /** Takes a fresh report, syncs the per-component meters and renders the Prometheus text. */
    synchronized String scrape() {
        StatusReport r = status.get();
        latest = r;
        Set<String> present = new HashSet<>();
        for (StatusReport.Source s : r.sources()) {
            String key = "source:" + s.name();
            present.add(key);
            perComponent.computeIfAbsent(key, k -> registerSource(s));
        }
        for (StatusReport.Sink s : r.sinks()) {
            String key = "sink:" + s.name();
            present.add(key);
            perComponent.computeIfAbsent(key, k -> registerSink(s));
        }
        for (StatusReport.Route route : r.routes()) {
            // a reload may give index N other sinks: then it is another series
            String key = "route:" + route.index() + ":" + String.join(",", route.to());
            present.add(key);
            perComponent.computeIfAbsent(key, k -> registerRoute(route.index(), route.to()));
        }
        for (String key : new ArrayList<>(perComponent.keySet())) {
            if (!present.contains(key)) {
                perComponent.remove(key).forEach(registry::remove);
                // the suppliers of removed meters stay in keepAlive; components rarely vanish (reload only)
            }
        }
        return registry.scrape();
    }

    private StatusReport.Source source(String name) {
        for (StatusReport.Source s : latest.sources()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    private StatusReport.Sink sink(String name) {
        for (StatusReport.Sink s : latest.sinks()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    private List<Meter> registerSource(StatusReport.Source first) {
        String name = first.name();
        Tags tags = Tags.of("source", name, "type", first.type());
        List<Meter> m = new ArrayList<>();
        Supplier<StatusReport.Source> now = () -> source(name);
        ownMeters(m, "source", tags, first.counters(), first.levels(), () -> {
            StatusReport.Source s = now.get();
            return s == null ? null : s.counters();
        });
        m.add(sourceCounter("logrouter.source.records", "Records read by the source", tags, now,
                StatusReport.Source::records));
        m.add(FunctionCounter.builder("logrouter.source.bytes", keep(now), v -> {
            StatusReport.Source s = v.get();
            return s == null ? 0 : s.bytes();
        }).baseUnit("bytes").description("Message bytes read by the source").tags(tags).register(registry));
        m.add(sourceCounter("logrouter.source.errors", "Errors of the source (failed starts, non-zero exits...)",
                tags, now, StatusReport.Source::errors));
        m.add(sourceCounter("logrouter.source.dropped", "Records the source itself dropped", tags, now,
                StatusReport.Source::dropped));
        m.add(sourceCounter("logrouter.source.restarts", "Restarts of the program an exec source runs", tags, now,
                StatusReport.Source::restarts));
        m.add(gauge("logrouter.source.last.exit.code", "Exit code of the latest run of an exec source (NaN before)",
                tags, () -> {
                    StatusReport.Source s = now.get();
                    return s == null || s.lastExitCode() == null ? Double.NaN : s.lastExitCode();
                }));
        m.add(gauge("logrouter.source.up", "1 while the source is starting or running, else 0", tags, () -> {
            StatusReport.Source s = now.get();
            return s != null && ("running".equals(s.state()) || "starting".equals(s.state())) ? 1 : 0;
        }));
        for (String state : SOURCE_STATES) {
            m.add(gauge("logrouter.source.state", "1 for the source's current state, else 0", tags.and("state", state),
                    () -> {
                        StatusReport.Source s = now.get();
                        return s != null && state.equals(s.state()) ? 1 : 0;
                    }));
        }
        return m;
    }

    /**
     * A component's own counters ({@code logrouter_KIND_events_total{counter=...}}) and levels
     * ({@code logrouter_KIND_gauge{gauge=...}}), read from the latest report.
     */
    private void ownMeters(List<Meter> m, String kind, Tags tags, Map<String, Long> names, List<String> levels,
                           Supplier<Map<String, Long>> latestCounters) {
        String of = "source".equals(kind) ? "A source's" : "A sink's";
        for (String counter : names == null ? Set.<String>of() : names.keySet()) {
            Supplier<Number> value = () -> {
                Map<String, Long> c = latestCounters.get();
                Long v = c == null ? null : c.get(counter);
                return v == null ? 0 : v;
            };
            if (levels.contains(counter)) {
                m.add(gauge("logrouter." + kind + ".gauge", of + " own level (see logrouter status)",
                        tags.and("gauge", counter), value));
            } else {
                m.add(counter("logrouter." + kind + ".events", of + " own counter (see logrouter status)",
                        tags.and("counter", counter), value));
            }
        }
    }

    private Meter sourceCounter(String name, String help, Tags tags, Supplier<StatusReport.Source> now,
                                ToDoubleFunction<StatusReport.Source> f) {
        return counter(name, help, tags, () -> {
            StatusReport.Source s = now.get();
            return s == null ? 0 : f.applyAsDouble(s);
        });
    }

    private List<Meter> registerSink(StatusReport.Sink first) {
        String name = first.name();
        Tags tags = Tags.of("sink", name, "type", first.type());
        List<Meter> m = new ArrayList<>();
        ownMeters(m, "sink", tags, first.counters(), first.levels(), () -> {
            StatusReport.Sink s = sink(name);
            return s == null ? null : s.counters();
        });
        m.add(sinkCounter("logrouter.sink.offered", "Records routed to the sink", tags, name,
                StatusReport.Sink::offered));
        m.add(sinkCounter("logrouter.sink.delivered", "Records the sink took from its buffer", tags, name,
                StatusReport.Sink::delivered));
        m.add(sinkCounter("logrouter.sink.written", "Records the sink's transport wrote (each once)", tags, name,
                StatusReport.Sink::written));
        Supplier<StatusReport.Sink> now = () -> sink(name);
        m.add(FunctionCounter.builder("logrouter.sink.written.bytes", keep(now), v -> {
            StatusReport.Sink s = v.get();
            return s == null ? 0 : s.writtenBytes();
        }).description("Bytes the sink's transport wrote, re-sends included").tags(tags).register(registry));
        m.add(sinkCounter("logrouter.sink.dropped", "Records dropped, by reason", tags.and("reason", "buffer_full"),
                name, StatusReport.Sink::droppedFull));
        m.add(sinkCounter("logrouter.sink.dropped", "Records dropped, by reason", tags.and("reason", "shutdown"),
                name, StatusReport.Sink::droppedShutdown));
        m.add(sinkCounter("logrouter.sink.dropped", "Records dropped, by reason", tags.and("reason", "transport"),
                name, StatusReport.Sink::droppedTransport));
        m.add(sinkCounter("logrouter.sink.dropped", "Records dropped, by reason", tags.and("reason", "encode_error"),
                name, StatusReport.Sink::droppedEncode));
        m.add(sinkCounter("logrouter.sink.transform.dropped",
                "Records the sink's own transforms dropped before its buffer, by reason",
                tags.and("reason", "rate_limit"), name, StatusReport.Sink::droppedRateLimit));
        m.add(sinkCounter("logrouter.sink.skipped", "Records not sent by design, by reason (blank service lines)",
                tags.and("reason", "blank"), name, StatusReport.Sink::skippedBlank));
        m.add(sinkCounter("logrouter.sink.resent", "Records written again after a broken connection", tags, name,
                StatusReport.Sink::resent));
        m.add(sinkCounter("logrouter.sink.reconnects", "Reconnections of the sink's transport", tags, name,
                StatusReport.Sink::reconnects));
        m.add(sinkGauge("logrouter.sink.buffer.depth", "Records the sink holds (buffer and in hand)", tags, name,
                StatusReport.Sink::depth));
        m.add(sinkGauge("logrouter.sink.buffer.bytes", "Estimated bytes the sink holds", tags, name,
                StatusReport.Sink::bufferBytes));
        m.add(sinkGauge("logrouter.sink.buffer.capacity.records", "Buffer bound in records (max_events)", tags, name,
                StatusReport.Sink::maxEvents));
        m.add(sinkGauge("logrouter.sink.buffer.capacity.bytes", "Buffer bound in bytes (max_bytes)", tags, name,
                StatusReport.Sink::maxBytes));
        m.add(sinkGauge("logrouter.sink.up", "1 while the sink's connection is up, else 0", tags, name,
                s -> "up".equals(s.connection()) ? 1 : 0));
        for (String state : SINK_STATES) {
            m.add(sinkGauge("logrouter.sink.connection", "1 for the sink's current connection state, else 0",
                    tags.and("state", state), name, s -> state.equals(s.connection()) ? 1 : 0));
        }
        return m;
    }

    private StatusReport.Route route(int index) {
        for (StatusReport.Route r : latest.routes()) {
            if (r.index() == index) {
                return r;
            }
        }
        return null;
    }

    /** A route with transforms: {@code logrouter_route_dropped_total} and {@code logrouter_route_skipped_total}. */
    private List<Meter> registerRoute(int index, List<String> to) {
        Tags tags = Tags.of("route", Integer.toString(index), "to", String.join(",", to));
        List<Meter> m = new ArrayList<>();
        m.add(counter("logrouter.route.dropped", "Records a route's transforms dropped, by reason",
                tags.and("reason", "rate_limit"), () -> {
                    StatusReport.Route r = route(index);
                    return r == null ? 0 : r.droppedRateLimit();
                }));
        m.add(counter("logrouter.route.skipped", "Blank lines a route's parse: json skipped, by reason",
                tags.and("reason", "blank"), () -> {
                    StatusReport.Route r = route(index);
                    return r == null ? 0 : r.skippedBlank();
                }));
        return m;
    }

    private Meter sinkCounter(String metric, String help, Tags tags, String sink,
                              ToDoubleFunction<StatusReport.Sink> f) {
        return counter(metric, help, tags, () -> {
            StatusReport.Sink s = sink(sink);
            return s == null ? 0 : f.applyAsDouble(s);
        });
    }

    private Meter sinkGauge(String metric, String help, Tags tags, String sink, ToDoubleFunction<StatusReport.Sink> f) {
        return gauge(metric, help, tags, () -> {
            StatusReport.Sink s = sink(sink);
            return s == null ? 0 : f.applyAsDouble(s);
        });
    }

    private void registerGlobal() {
        Tags none = Tags.empty();
        gauge("logrouter.build.info", "Version of the running logrouter and its Java runtime",
                Tags.of("version", version(), "java_version", System.getProperty("java.version", "unknown")),
                () -> 1);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Path statm = Path.of("/proc/self/statm");
        if (Files.isReadable(statm)) {
            gauge("process.resident.memory.bytes", "Resident set size of the process (Linux /proc/self/statm)", none,
                    () -> residentBytes(statm));
        }
        journalGauge("logrouter.journal.records", "Records held by the journal", StatusReport.JournalStatus::records);
        journalGauge("logrouter.journal.bytes", "Estimated bytes held by the journal", StatusReport.JournalStatus::bytes);
        journalGauge("logrouter.journal.max.records", "Journal bound in records", StatusReport.JournalStatus::maxLines);
        journalGauge("logrouter.journal.max.bytes", "Journal bound in bytes", StatusReport.JournalStatus::maxBytes);
        journalGauge("logrouter.journal.followers", "Readers following the journal", StatusReport.JournalStatus::followers);
        journalGauge("logrouter.journal.oldest.cursor", "Cursor of the oldest record held",
                StatusReport.JournalStatus::oldestCursor);
        gauge("logrouter.journal.oldest.timestamp.seconds", "Time of the oldest record held (0 when empty)", none,
                () -> {
                    String t = latest.journal().oldestTime();
                    if (t == null) {
                        return 0;
                    }
                    java.time.Instant i = java.time.Instant.parse(t);
                    return i.getEpochSecond() + i.getNano() / 1e9;
                });
        counter("logrouter.journal.appended", "Records appended to the journal", none,
                () -> latest.journal().appended());
        counter("logrouter.journal.overwritten", "Records evicted from the journal by its bounds", none,
                () -> latest.journal().overwritten());
        counter("logrouter.journal.reader.gaps", "Records journal readers missed by falling behind", none,
                () -> latest.journal().readerGaps());
        counter("logrouter.query.connections", "Query socket connections accepted", none,
                () -> query(StatusReport.QueryStatus::connections));
        gauge("logrouter.query.active", "Query socket connections open", none,
                () -> query(StatusReport.QueryStatus::active));
        counter("logrouter.query.refused", "Query socket peers refused by allow_uids/allow_gids", none,
                () -> query(StatusReport.QueryStatus::refused));
        counter("logrouter.query.timeouts", "Query socket clients that sent no request in time", none,
                () -> query(StatusReport.QueryStatus::timedOut));
        counter("logrouter.query.bad.requests", "Query socket requests refused as malformed", none,
                () -> query(StatusReport.QueryStatus::badRequests));
        counter("logrouter.query.records.sent", "Records written to query socket clients", none,
                () -> query(StatusReport.QueryStatus::recordsSent));
    }

    private static String version() {
        String v = MetricsServer.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Resident pages (second field of statm) times the page size, assumed 4 KiB as on x86-64 and arm64 Linux. */
    private static double residentBytes(Path statm) {
        try {
            String[] f = Files.readString(statm).trim().split(" ");
            return Long.parseLong(f[1]) * 4096.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private double query(ToDoubleFunction<StatusReport.QueryStatus> f) {
        StatusReport.QueryStatus q = latest.query();
        return q == null ? 0 : f.applyAsDouble(q);
    }

    private void journalGauge(String name, String help, ToDoubleFunction<StatusReport.JournalStatus> f) {
        gauge(name, help, Tags.empty(), () -> f.applyAsDouble(latest.journal()));
    }

    private <T> T keep(T value) {
        keepAlive.add(value);
        return value;
    }

    private Meter counter(String name, String help, Tags tags, Supplier<Number> value) {
        return FunctionCounter.builder(name, keep(value), v -> v.get().doubleValue())
                .description(help).tags(tags).register(registry);
    }

    private Meter gauge(String name, String help, Tags tags, Supplier<Number> value) {
        return Gauge.builder(name, keep(value), v -> v.get().doubleValue()).description(help).tags(tags)
                .register(registry);
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
        gc.close();
        registry.close();
    }
}
