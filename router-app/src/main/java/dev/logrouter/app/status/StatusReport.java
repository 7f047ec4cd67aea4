package dev.logrouter.app.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logrouter.app.query.QueryCounters;
import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.JournalStats;
import dev.logrouter.core.record.Rfc3339;
import dev.logrouter.core.route.RouteSpec;
import dev.logrouter.core.router.Router;
import dev.logrouter.core.sink.SinkBuffer;
import dev.logrouter.core.sink.SinkState;
import dev.logrouter.core.source.SourceCounters;
import dev.logrouter.core.source.SourceHealth;
import dev.logrouter.core.transform.TransformChain;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of everything {@code logrouter status} shows and {@code /metrics} exports: per source,
 * per sink, per route with transforms, the journal and the query socket. Serialised as one JSON
 * object by the query socket's status request.
 *
 * @param uptimeSeconds seconds since the daemon started
 * @param sources       every running source
 * @param sinks         every sink
 * @param journal       the journal ring
 * @param query         the query socket, or {@code null} when it is not served
 * @param routes        the routes that have transforms (the others never drop), with their counters
 */
public record StatusReport(long uptimeSeconds, List<Source> sources, List<Sink> sinks, JournalStatus journal,
                           QueryStatus query, List<Route> routes) {

    /** A report without route counters. */
    public StatusReport(long uptimeSeconds, List<Source> sources, List<Sink> sinks, JournalStatus journal,
                        QueryStatus query) {
        this(uptimeSeconds, sources, sinks, journal, query, List.of());
    }

    public StatusReport {
        // a report from a daemon that did not send route counters
        routes = routes == null ? List.of() : routes;
    }

    private static final ObjectMapper MAPPER =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * The standard set every source reports (the compliance test checks each type).
     *
     * @param state        {@code starting}, {@code running}, {@code stopped}, {@code failed}; a
     *                     supervising source (exec) also {@code restarting} (after a failure) and
     *                     {@code exited} (after a clean exit, before a restart)
     * @param records      records read
     * @param bytes        message bytes read
     * @param errors       errors seen (an exec's failed starts and non-zero exits included)
     * @param dropped      records the source itself dropped
     * @param lastError    last error text or null
     * @param counters     the source's own counters (bad input ignored, parse errors...), see
     *                     {@code LogSource.counters()}
     * @param restarts     restarts of what the source supervises (exec), else 0
     * @param lastExitCode exit code of an exec's latest run, or null
     * @param levels       the names in {@code counters} that are levels (exported as gauges), not totals
     */
    public record Source(String name, String type, String state, long records, long bytes, long errors,
                         long dropped, String lastError, java.util.Map<String, Long> counters, long restarts,
                         Integer lastExitCode, List<String> levels) {

        public Source {
            // a report from a daemon that did not say which own counters are levels
            levels = levels == null ? List.of() : levels;
        }

        /** True in the states that make {@code /health} report the source. */
        public boolean unhealthy() {
            return "failed".equals(state) || "restarting".equals(state);
        }
    }

    /**
     * The standard set every sink reports (the compliance test checks each type).
     *
     * @param connection       transport state ({@code up}, {@code idle}, {@code connecting}, {@code down}...)
     * @param offered          records routed to the sink
     * @param delivered        records the sink took from its buffer
     * @param written          records the transport wrote (each once, however often re-sent)
     * @param dropped          all drops: {@code droppedFull + droppedShutdown + droppedTransport
     *                         + droppedEncode}
     * @param depth            records held now: in the buffer plus taken by the sink and not yet
     *                         written or dropped; bounded by {@code maxEvents}
     * @param reconnects       reconnections so far
     * @param lastError        last error text or null
     * @param resent           records written again after a broken connection (possible duplicates)
     * @param writtenBytes     bytes the transport wrote (re-sends included)
     * @param droppedFull      dropped by the buffer's {@code when_full} policy
     * @param droppedShutdown  dropped because the sink was stopped (shutdown, reload) while holding them
     * @param droppedTransport dropped by the transport (too large, write error, poison record)
     * @param bufferBytes      estimated bytes held, counted as {@code depth}
     * @param maxEvents        buffer bound in records
     * @param maxBytes         buffer bound in bytes
     * @param counters         the sink's own counters ({@code LogSink.counters()}, e.g. Kafka's
     *                         {@code in_flight}, {@code acked}, {@code failed}) and its disk buffer's
     *                         ({@code replayed}, {@code corrupted}); empty when it has none
     * @param droppedEncode    dropped because the sink's encoder could not encode them (reason
     *                         {@code encode_error})
     * @param droppedRateLimit dropped by the sink's own {@code rate_limit} before its buffer: not in
     *                         {@code offered} nor {@code dropped}
     * @param skippedBlank     blank service lines not sent, by design (Talos json_lines, as Talos;
     *                         {@code parse: json}): not in {@code offered} nor {@code dropped}
     * @param levels           the names in {@code counters} that are levels (exported as gauges), not totals
     */
    public record Sink(String name, String type, String connection, long offered, long delivered, long written,
                       long dropped, long depth, long reconnects, String lastError, long resent, long writtenBytes,
                       long droppedFull, long droppedShutdown, long droppedTransport, long bufferBytes,
                       long maxEvents, long maxBytes, java.util.Map<String, Long> counters, long droppedEncode,
                       long droppedRateLimit, long skippedBlank, List<String> levels) {

        public Sink {
            levels = levels == null ? List.of() : levels;
        }
    }

    /**
     * A route with transforms: what they kept from the sinks it names.
     *
     * @param index            its position under {@code routes:}, from 0 ({@code route 0} in rate
     *                         limit summaries)
     * @param to               the sinks it names
     * @param droppedRateLimit records its {@code rate_limit} dropped
     * @param skippedBlank     blank lines its {@code parse: json} skipped
     */
    public record Route(int index, List<String> to, long droppedRateLimit, long skippedBlank) {
    }

    /**
     * @param records      records held
     * @param bytes        estimated bytes held
     * @param maxLines     ring bound in records
     * @param maxBytes     ring bound in bytes
     * @param oldestTime   RFC 3339 time of the oldest record held, or null when empty
     * @param oldestCursor cursor of the oldest record held
     * @param nextCursor   cursor of the next record
     * @param appended     records appended since start
     * @param overwritten  records evicted by the bounds since start
     * @param readerGaps   records readers missed by falling behind
     * @param followers    readers attached in a following mode
     */
    public record JournalStatus(long records, long bytes, long maxLines, long maxBytes, String oldestTime,
                                long oldestCursor, long nextCursor, long appended, long overwritten,
                                long readerGaps, int followers) {
    }

    /**
     * @param socket      socket path
     * @param connections connections accepted since start
     * @param active      connections open now
     * @param refused     peers refused by allow_uids/allow_gids
     * @param timedOut    clients that sent no request in time
     * @param badRequests unknown first bytes and malformed requests
     * @param recordsSent records written to clients
     */
    public record QueryStatus(String socket, long connections, long active, long refused, long timedOut,
                              long badRequests, long recordsSent) {
    }

    /** The sink's own counters, then its disk buffer's. */
    private static Map<String, Long> sinkCounters(SinkState st, SinkBuffer buffer) {
        Map<String, Long> m = new java.util.LinkedHashMap<>(st.counters());
        if (buffer.spec().isDisk()) {
            m.put("replayed", buffer.replayed());
            m.put("corrupted", buffer.corrupted());
        }
        return m;
    }

    /** Takes a snapshot of a running router. */
    public static StatusReport of(Router router, long startedMillis, String querySocket, QueryCounters query) {
        List<Source> sources = new ArrayList<>();
        for (Router.SourceBinding b : router.sources()) {
            sources.add(source(b));
        }
        List<Sink> sinks = new ArrayList<>();
        Map<String, TransformChain> sinkChains = router.sinkTransforms();
        for (Router.SinkBinding b : router.sinks()) {
            SinkBuffer buf = b.buffer();
            SinkState st = stateOf(b);
            long full = buf.dropped() - buf.droppedShutdown();
            TransformChain chain = sinkChains.getOrDefault(b.sink().name(), TransformChain.NONE);
            sinks.add(new Sink(b.sink().name(), b.sink().type(), st.connection(), buf.offered(), buf.delivered(),
                    st.written(), buf.dropped() + st.dropped(), buf.depth(), st.reconnects(), st.lastError(),
                    st.resent(), st.writtenBytes(), full, buf.droppedShutdown(), st.dropped() - st.droppedEncode(),
                    buf.bytes(), buf.spec().maxEvents(), buf.spec().maxBytes(), sinkCounters(st, buf),
                    st.droppedEncode(), chain.dropped(), chain.blank() + st.skipped(), levels(b)));
        }
        List<Route> routes = new ArrayList<>();
        List<RouteSpec> specs = router.routes();
        for (int i = 0; i < specs.size(); i++) {
            TransformChain c = specs.get(i).transforms();
            if (!c.isEmpty()) {
                routes.add(new Route(i, specs.get(i).to(), c.dropped(), c.blank()));
            }
        }
        Journal j = router.journal();
        JournalStats js = j.stats();
        JournalStatus journal = new JournalStatus(js.records(), js.bytes(), j.spec().maxLines(), j.spec().maxBytes(),
                js.records() == 0 ? null : Rfc3339.format(js.oldestTime()), js.oldestCursor(), js.nextCursor(),
                js.appended(), js.overwritten(), js.readerGaps(), j.followerCount());
        QueryStatus q = query == null ? null : new QueryStatus(querySocket, query.connections(), query.active(),
                query.refused(), query.timedOut(), query.badRequests(), query.recordsSent());
        long uptime = Math.max(0, (System.currentTimeMillis() - startedMillis) / 1000);
        return new StatusReport(uptime, sources, sinks, journal, q, routes);
    }

    /**
     * The router's view (records, bytes, running until the flux ends) merged with what a
     * supervising source reports about its child ({@link SourceHealth}): while the router runs the
     * source, the source's own state wins; a source the router stopped or saw fail stays so.
     */
    private static Source source(Router.SourceBinding b) {
        SourceCounters c = b.counters();
        SourceHealth h;
        try {
            h = b.source().health();
        } catch (RuntimeException e) {
            h = null;
        }
        Map<String, Long> own = c.own().snapshot();
        if (h == null) {
            return new Source(c.name(), c.type(), c.state(), c.records(), c.bytes(), c.errors(), c.dropped(),
                    c.lastError(), own, 0, null, List.copyOf(c.own().levels()));
        }
        String routerState = c.state();
        String state = "failed".equals(routerState) || ("stopped".equals(routerState) && !h.unhealthy())
                ? routerState : h.state();
        String lastError = c.lastError() != null ? c.lastError() : h.lastError();
        return new Source(c.name(), c.type(), state, c.records(), c.bytes(), c.errors() + h.errors(), c.dropped(),
                lastError, own, h.restarts(), h.lastExitCode(), List.copyOf(c.own().levels()));
    }

    private static List<String> levels(Router.SinkBinding b) {
        try {
            return List.copyOf(b.sink().counters().own().levels());
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private static SinkState stateOf(Router.SinkBinding b) {
        try {
            return b.sink().counters().state();
        } catch (RuntimeException e) {
            return new SinkState("unknown", 0, 0, 0, String.valueOf(e));
        }
    }

    /**
     * Sinks not up (nor idle) and sources that failed or are in a restart loop, as reasons for
     * {@code /health}; empty when healthy.
     */
    public List<String> unhealthyReasons() {
        List<String> reasons = new ArrayList<>();
        for (Source s : sources) {
            if (s.unhealthy()) {
                reasons.add("source " + s.name() + " " + s.state()
                        + (s.restarts() > 0 ? " (" + s.restarts() + " restarts)" : "")
                        + (s.lastError() == null ? "" : ": " + s.lastError()));
            }
        }
        for (Sink s : sinks) {
            // idle: no connection is needed right now (nothing to send, or the receiver closed an idle one)
            if (!"up".equals(s.connection()) && !"idle".equals(s.connection())) {
                reasons.add("sink " + s.name() + " is " + s.connection()
                        + (s.lastError() == null ? "" : ": " + s.lastError()));
            }
        }
        return reasons;
    }

    public String toJson() {
        try {
            return MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static StatusReport parse(String json) {
        try {
            return MAPPER.readValue(json, StatusReport.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a status report: " + e.getOriginalMessage());
        }
    }
}
