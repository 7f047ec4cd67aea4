package dev.logrouter.core.sink;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how a disk buffer ({@code buffer: {type: disk}}) keeps its records.
 *
 * @param path         directory of the segment files (one directory per sink)
 * @param sync         how often appended records are flushed to the device ({@code fsync}) and the
 *                     delivered position saved; {@link Duration#ZERO} forces every append
 * @param segmentBytes size at which a new segment file is started
 */
public record DiskSpec(Path path, Duration sync, long segmentBytes) {

    public DiskSpec {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sync, "sync");
        if (sync.isNegative()) {
            throw new IllegalArgumentException("buffer sync must not be negative, was " + sync);
        }
        if (segmentBytes < 4096) {
            throw new IllegalArgumentException("buffer segment size must be at least 4KiB, was " + segmentBytes);
        }
    }

    /** A segment size that keeps about eight segments within {@code maxBytes} (4KiB..64MiB). */
    public static long segmentBytesFor(long maxBytes) {
        return Math.max(4096, Math.min(64L << 20, maxBytes / 8));
    }
}
