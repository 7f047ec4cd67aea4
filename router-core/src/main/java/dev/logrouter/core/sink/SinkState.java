package dev.logrouter.core.sink;

import java.util.Map;

/**
 * A snapshot of a sink's {@link SinkCounters}: what its transport reports about itself.
 *
 * @param connection    {@code up}, {@code idle}, {@code connecting}, {@code down}, {@code closed},
 *                      {@code stopped}
 * @param written       records written to the transport (each counted once, however often re-sent)
 * @param dropped       records the sink itself dropped (too large, a write error, abandoned at a
 *                      forced stop, not encodable), beyond buffer drops; {@code droppedEncode} included
 * @param reconnects    reconnections so far
 * @param lastError     last error text, or {@code null}
 * @param resent        records written again after a connection broke (at-least-once delivery: the
 *                      receiver may have seen them twice); an upper bound of the duplicates
 * @param writtenBytes  bytes the transport wrote, re-sends included
 * @param droppedEncode the part of {@code dropped} the sink's encoder could not encode (reason
 *                      {@code encode_error})
 * @param skipped       records the encoder sent nothing for by design (a Talos json_lines sink skips
 *                      blank service lines): not dropped
 * @param counters      the sink's own counters and levels by name ({@link SinkCounters#own()})
 */
public record SinkState(String connection, long written, long dropped, long reconnects, String lastError,
                        long resent, long writtenBytes, long droppedEncode, long skipped, Map<String, Long> counters) {

    public SinkState {
        counters = counters == null ? Map.of() : counters;
    }

    /** A state with only the transport's records. */
    public SinkState(String connection, long written, long dropped, long reconnects, String lastError, long resent) {
        this(connection, written, dropped, reconnects, lastError, resent, 0, 0, 0, Map.of());
    }

    /** A state without re-sends (transports that never re-send). */
    public SinkState(String connection, long written, long dropped, long reconnects, String lastError) {
        this(connection, written, dropped, reconnects, lastError, 0);
    }
}
