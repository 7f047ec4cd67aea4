package dev.logrouter.app.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logrouter.app.query.QueryCounters;
import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.JournalStats;
import dev.logrouter.core.record.Rfc3339;
import dev.logrouter.core.router.Router;
import dev.logrouter.core.sink.SinkBuffer;
import dev.logrouter.core.sink.SinkState;
import dev.logrouter.core.source.SourceCounters;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A snapshot of everything {@code logrouter status} shows and {@code /metrics} exports: per source,
 * per sink, the journal and the query socket. Serialised as one JSON object by the query socket's
 * status request.
 *
 * @param uptimeSeconds seconds since the daemon started
 * @param sources       every running source
 * @param sinks         every sink
 * @param journal       the journal ring
 * @param query         the query socket, or {@code null} when it is not served
 */
public record StatusReport(long uptimeSeconds, List<Source> sources, List<Sink> sinks, JournalStatus journal,
                           QueryStatus query) {

    private static final ObjectMapper MAPPER =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * @param state     {@code starting}, {@code running}, {@code stopped}, {@code failed}
     * @param records   records read
     * @param bytes     message bytes read
     * @param errors    errors seen
     * @param dropped   records the source itself dropped
     * @param lastError last error text or null
     * @param counters  the source's own counters (bad input ignored, parse errors...), see
     *                  {@code LogSource.counters()}
     */
    public record Source(String name, String type, String state, long records, long bytes, long errors,
                         long dropped, String lastError, java.util.Map<String, Long> counters) {
    }

    /**
     * @param connection       transport state ({@code up}, {@code connecting}, {@code down}...)
     * @param offered          records routed to the sink
     * @param delivered        records the sink took from its buffer
     * @param written          records the transport wrote
     * @param dropped          records dropped by the buffer ({@code when_full}) plus the transport
     * @param depth            records waiting in the buffer now
     * @param reconnects       reconnections so far
     * @param lastError        last error text or null
     */
    public record Sink(String name, String type, String connection, long offered, long delivered, long written,
                       long dropped, long depth, long reconnects, String lastError) {
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

    /** Takes a snapshot of a running router. */
    public static StatusReport of(Router router, long startedMillis, String querySocket, QueryCounters query) {
        List<Source> sources = new ArrayList<>();
        for (Router.SourceBinding b : router.sources()) {
            SourceCounters c = b.counters();
            sources.add(new Source(c.name(), c.type(), c.state(), c.records(), c.bytes(), c.errors(), c.dropped(),
                    c.lastError(), b.source().counters()));
        }
        List<Sink> sinks = new ArrayList<>();
        for (Router.SinkBinding b : router.sinks()) {
            SinkBuffer buf = b.buffer();
            SinkState st = stateOf(b);
            sinks.add(new Sink(b.sink().name(), b.sink().type(), st.connection(), buf.offered(), buf.delivered(),
                    st.written(), buf.dropped() + st.dropped(), buf.depth(), st.reconnects(), st.lastError()));
        }
        Journal j = router.journal();
        JournalStats js = j.stats();
        JournalStatus journal = new JournalStatus(js.records(), js.bytes(), j.spec().maxLines(), j.spec().maxBytes(),
                js.records() == 0 ? null : Rfc3339.format(js.oldestTime()), js.oldestCursor(), js.nextCursor(),
                js.appended(), js.overwritten(), js.readerGaps(), j.followerCount());
        QueryStatus q = query == null ? null : new QueryStatus(querySocket, query.connections(), query.active(),
                query.refused(), query.timedOut(), query.badRequests(), query.recordsSent());
        long uptime = Math.max(0, (System.currentTimeMillis() - startedMillis) / 1000);
        return new StatusReport(uptime, sources, sinks, journal, q);
    }

    private static SinkState stateOf(Router.SinkBinding b) {
        try {
            SinkState s = b.sink().state();
            return s == null ? SinkState.UP : s;
        } catch (RuntimeException e) {
            return new SinkState("unknown", 0, 0, 0, String.valueOf(e));
        }
    }

    /** Sinks not up and sources that failed, as reasons for {@code /health}; empty when healthy. */
    public List<String> unhealthyReasons() {
        List<String> reasons = new ArrayList<>();
        for (Source s : sources) {
            if ("failed".equals(s.state())) {
                reasons.add("source " + s.name() + " failed" + (s.lastError() == null ? "" : ": " + s.lastError()));
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
