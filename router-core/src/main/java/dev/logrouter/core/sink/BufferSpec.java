package dev.logrouter.core.sink;

import java.util.Objects;

/**
 * Bounds of one sink's buffer: it is full when either bound is reached. The defaults are the
 * config's ({@code buffer:}, docs/configuration.md).
 *
 * @param maxEvents most records held (a disk buffer is bounded by bytes only)
 * @param maxBytes  most estimated bytes held in memory, or bytes of encoded records on disk
 * @param whenFull  policy once full
 * @param disk      where a disk buffer keeps its records; {@code null} for the memory buffer
 */
public record BufferSpec(int maxEvents, long maxBytes, WhenFull whenFull, DiskSpec disk) {

    public BufferSpec {
        Objects.requireNonNull(whenFull, "whenFull");
        if (maxEvents < 1) {
            throw new IllegalArgumentException("buffer max_events must be at least 1, was " + maxEvents);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("buffer max_bytes must be at least 1, was " + maxBytes);
        }
    }

    /** A memory buffer. */
    public BufferSpec(int maxEvents, long maxBytes, WhenFull whenFull) {
        this(maxEvents, maxBytes, whenFull, null);
    }

    /** A disk buffer of at most {@code maxBytes} of encoded records. */
    public static BufferSpec disk(DiskSpec disk, long maxBytes, WhenFull whenFull) {
        return new BufferSpec(Integer.MAX_VALUE, maxBytes, whenFull, Objects.requireNonNull(disk, "disk"));
    }

    public boolean isDisk() {
        return disk != null;
    }
}
