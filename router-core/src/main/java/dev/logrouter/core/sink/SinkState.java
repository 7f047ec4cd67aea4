package dev.logrouter.core.sink;

/**
 * What a sink's transport reports about itself.
 *
 * @param connection {@code up}, {@code connecting}, {@code down}...
 * @param written    records written to the transport
 * @param dropped    records the transport itself dropped (e.g. oversized), beyond buffer drops
 * @param reconnects reconnections so far
 * @param lastError  last error text, or {@code null}
 */
public record SinkState(String connection, long written, long dropped, long reconnects, String lastError) {
    public static final SinkState UP = new SinkState("up", 0, 0, 0, null);
}
