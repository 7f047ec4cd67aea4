package dev.logrouter.app.config;

import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.DiskSpec;
import dev.logrouter.core.sink.WhenFull;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code buffer:} block of every sink, bound by {@link ConfigLoader} (not by the sink's record).
 * Its defaults depend on {@code type}, so they are applied in {@link #toSpec()} and described in
 * {@link Doc#absent()}.
 */
record BufferConfig(
        @Doc(value = "`memory`, or `disk`: records wait in segment files that survive a restart "
                + "([buffers.md](buffers.md))", absent = "`memory`")
        Kind type,
        @Doc(value = "most records held (memory only)", absent = "`100000`")
        Integer maxEvents,
        @Doc(value = "most estimated bytes held in memory; bytes of encoded records on disk",
                absent = "`64MiB` (memory), `1GiB` (disk)")
        ByteSize maxBytes,
        @Doc(value = "`drop_oldest`, `drop_newest` or `block` (see [journal.md](journal.md#sinks-and-routes))",
                absent = "`drop_oldest`")
        WhenFull whenFull,
        @Doc(value = "disk only, required: absolute directory of the segment files, one per sink", absent = "—")
        Path path,
        @Doc(value = "disk only: how often appended records are synced to the device and the delivered position "
                + "saved; `0s` syncs every record", absent = "`1s`")
        Duration sync) {

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
