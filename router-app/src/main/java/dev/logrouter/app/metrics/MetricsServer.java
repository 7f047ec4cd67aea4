package dev.logrouter.app.metrics;

import dev.logrouter.app.status.StatusReport;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
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
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The {@code metrics.listen} HTTP endpoint: Prometheus text at {@code /metrics} and {@code /health}.
 *
 * <p>Every figure of {@code logrouter status} is exported, from a fresh {@link StatusReport} taken
 * at each scrape: counters ({@code _total}) and gauges per source (label {@code source}), per sink
 * (label {@code sink}), for the journal and the query socket. Meters of sources and sinks that
 * disappear are removed. {@code /health} answers 200 {@code {"status":"up"}} when no source failed
 * and every sink's connection is up, else 503 with the reasons.
 */
public final class MetricsServer implements AutoCloseable {

    private final Supplier<StatusReport> status;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, List<Meter>> perComponent = new ConcurrentHashMap<>();
    private volatile StatusReport latest;
    /** Micrometer holds the objects behind function meters weakly: keep them reachable here. */
    private final List<Object> keepAlive = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final DisposableServer server;

    private MetricsServer(String listen, Supplier<StatusReport> status) {
        this.status = Objects.requireNonNull(status, "status");
        this.latest = status.get();
        registerGlobal();
        InetSocketAddress addr = parseListen(listen);
        this.server = HttpServer.create()
                .bindAddress(() -> addr)
                .route(r -> r.get("/metrics", this::metrics).get("/health", this::health))
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
            perComponent.computeIfAbsent(key, k -> registerSource(s.name(), s.type(), s.counters()));
        }
        for (StatusReport.Sink s : r.sinks()) {
            String key = "sink:" + s.name();
            present.add(key);
            perComponent.computeIfAbsent(key, k -> registerSink(s.name(), s.type()));
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

    private List<Meter> registerSource(String name, String type, Map<String, Long> ownCounters) {
        Tags tags = Tags.of("source", name, "type", type);
        List<Meter> m = new ArrayList<>();
        for (String counter : ownCounters.keySet()) {
            m.add(gauge("logrouter.source.counter", "A source's own counter (see logrouter status)",
                    tags.and("counter", counter), () -> {
                        StatusReport.Source s = source(name);
                        Long v = s == null || s.counters() == null ? null : s.counters().get(counter);
                        return v == null ? 0 : v;
                    }));
        }
        m.add(counter("logrouter.source.records", "Records read by the source", tags, () -> {
            StatusReport.Source s = source(name);
            return s == null ? 0 : s.records();
        }));
        m.add(counter("logrouter.source.bytes", "Message bytes read by the source", tags, () -> {
            StatusReport.Source s = source(name);
            return s == null ? 0 : s.bytes();
        }));
        m.add(counter("logrouter.source.errors", "Errors of the source", tags, () -> {
            StatusReport.Source s = source(name);
            return s == null ? 0 : s.errors();
        }));
        m.add(counter("logrouter.source.dropped", "Records the source dropped", tags, () -> {
            StatusReport.Source s = source(name);
            return s == null ? 0 : s.dropped();
        }));
        m.add(gauge("logrouter.source.up", "1 while the source is starting or running, else 0", tags, () -> {
            StatusReport.Source s = source(name);
            return s != null && ("running".equals(s.state()) || "starting".equals(s.state())) ? 1 : 0;
        }));
        return m;
    }

    private List<Meter> registerSink(String name, String type) {
        Tags tags = Tags.of("sink", name, "type", type);
        List<Meter> m = new ArrayList<>();
        m.add(counter("logrouter.sink.offered", "Records routed to the sink", tags, () -> sinkValue(name, 0)));
        m.add(counter("logrouter.sink.delivered", "Records the sink took from its buffer", tags,
                () -> sinkValue(name, 1)));
        m.add(counter("logrouter.sink.written", "Records the sink's transport wrote", tags, () -> sinkValue(name, 2)));
        m.add(counter("logrouter.sink.dropped", "Records dropped by the sink's buffer or transport", tags,
                () -> sinkValue(name, 3)));
        m.add(counter("logrouter.sink.reconnects", "Reconnections of the sink's transport", tags,
                () -> sinkValue(name, 4)));
        m.add(gauge("logrouter.sink.buffer.depth", "Records waiting in the sink's buffer", tags,
                () -> sinkValue(name, 5)));
        m.add(gauge("logrouter.sink.up", "1 while the sink's connection is up, else 0", tags,
                () -> sinkValue(name, 6)));
        return m;
    }

    private double sinkValue(String name, int which) {
        StatusReport.Sink s = sink(name);
        if (s == null) {
            return 0;
        }
        switch (which) {
            case 0: return s.offered();
            case 1: return s.delivered();
            case 2: return s.written();
            case 3: return s.dropped();
            case 4: return s.reconnects();
            case 5: return s.depth();
            default: return "up".equals(s.connection()) ? 1 : 0;
        }
    }

    private void registerGlobal() {
        Tags none = Tags.empty();
        gauge("logrouter.uptime.seconds", "Seconds since the daemon started", none, () -> latest.uptimeSeconds());
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

    private double query(ToDoubleFunction<StatusReport.QueryStatus> f) {
        StatusReport.QueryStatus q = latest.query();
        return q == null ? 0 : f.applyAsDouble(q);
    }

    private void journalGauge(String name, String help, ToDoubleFunction<StatusReport.JournalStatus> f) {
        gauge(name, help, Tags.empty(), () -> f.applyAsDouble(latest.journal()));
    }

    private Meter counter(String name, String help, Tags tags, Supplier<Number> value) {
        keepAlive.add(value);
        return FunctionCounter.builder(name, value, v -> v.get().doubleValue())
                .description(help).tags(tags).register(registry);
    }

    private Meter gauge(String name, String help, Tags tags, Supplier<Number> value) {
        keepAlive.add(value);
        return Gauge.builder(name, value, v -> v.get().doubleValue()).description(help).tags(tags).register(registry);
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
        registry.close();
    }
}
