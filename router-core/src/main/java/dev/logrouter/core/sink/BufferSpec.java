package dev.logrouter.core.sink;

import java.util.Objects;

/**
 * Bounds of one sink's buffer: it is full when either bound is reached.
 *
 * @param maxEvents most records held
 * @param maxBytes  most estimated bytes held
 * @param whenFull  policy once full
 */
public record BufferSpec(int maxEvents, long maxBytes, WhenFull whenFull) {

    public static final BufferSpec DEFAULT = new BufferSpec(100_000, 64L * 1024 * 1024, WhenFull.DROP_OLDEST);

    public BufferSpec {
        Objects.requireNonNull(whenFull, "whenFull");
        if (maxEvents < 1) {
            throw new IllegalArgumentException("buffer max_events must be at least 1, was " + maxEvents);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("buffer max_bytes must be at least 1, was " + maxBytes);
        }
    }
}
