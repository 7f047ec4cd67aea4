package dev.logrouter.app.config;

import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.DiskSpec;
import dev.logrouter.core.sink.WhenFull;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code buffer:} block of a sink.
 *
 * @param type      {@code memory} (default) or {@code disk}
 * @param maxEvents most records held (memory only; default 100000)
 * @param maxBytes  most bytes held (default 64MiB in memory, 1GiB on disk)
 * @param whenFull  {@code drop_oldest} (default), {@code drop_newest} or {@code block}
 * @param path      directory of a disk buffer's segment files, absolute (disk only, required)
 * @param sync      how often a disk buffer flushes to the device and saves its position (default 1s;
 *                  {@code 0s}: every record)
 */
record BufferConfig(Kind type, Integer maxEvents, ByteSize maxBytes, WhenFull whenFull, Path path, Duration sync) {

    /** Where the records wait. */
    enum Kind { MEMORY, DISK }

    static final long DISK_DEFAULT_MAX_BYTES = 1L << 30;

    BufferConfig {
        if (maxEvents != null && maxEvents < 1) {
            throw new IllegalArgumentException("max_events must be at least 1");
        }
        if (maxBytes != null && maxBytes.bytes() < 1024) {
            throw new IllegalArgumentException("max_bytes must be at least 1KiB");
        }
        if (type == Kind.DISK) {
            if (path == null) {
                throw new IllegalArgumentException("a disk buffer needs a path (a directory for its segment files)");
            }
            if (!path.isAbsolute()) {
                throw new IllegalArgumentException("the disk buffer path must be absolute, was '" + path + "'");
            }
            if (maxEvents != null) {
                throw new IllegalArgumentException("max_events applies to memory buffers; a disk buffer is bounded "
                        + "by max_bytes");
            }
            if (sync != null && sync.isNegative()) {
                throw new IllegalArgumentException("sync must not be negative");
            }
        } else if (path != null || sync != null) {
            throw new IllegalArgumentException("path and sync apply to disk buffers (type: disk)");
        }
    }

    BufferSpec toSpec() {
        BufferSpec d = BufferSpec.DEFAULT;
        WhenFull policy = whenFull == null ? d.whenFull() : whenFull;
        if (type == Kind.DISK) {
            long max = maxBytes == null ? DISK_DEFAULT_MAX_BYTES : maxBytes.bytes();
            return BufferSpec.disk(new DiskSpec(path, sync == null ? DiskSpec.DEFAULT_SYNC : sync,
                    DiskSpec.segmentBytesFor(max)), max, policy);
        }
        return new BufferSpec(maxEvents == null ? d.maxEvents() : maxEvents,
                maxBytes == null ? d.maxBytes() : maxBytes.bytes(), policy);
    }
}
