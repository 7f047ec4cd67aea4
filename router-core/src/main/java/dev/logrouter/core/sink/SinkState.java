package dev.logrouter.core.sink;

/**
 * What a sink's transport reports about itself.
 *
 * @param connection {@code up}, {@code connecting}, {@code down}...
 * @param written    records written to the transport (each counted once, however often re-sent)
 * @param dropped    records the transport itself dropped (e.g. oversized, or abandoned at a forced
 *                   stop), beyond buffer drops
 * @param reconnects reconnections so far
 * @param lastError  last error text, or {@code null}
 * @param resent     records written again after a connection broke (at-least-once delivery: the
 *                   receiver may have seen them twice); an upper bound of the duplicates
 */
public record SinkState(String connection, long written, long dropped, long reconnects, String lastError,
                        long resent) {
    public static final SinkState UP = new SinkState("up", 0, 0, 0, null, 0);

    /** A state without re-sends (transports that never re-send). */
    public SinkState(String connection, long written, long dropped, long reconnects, String lastError) {
        this(connection, written, dropped, reconnects, lastError, 0);
    }
}
