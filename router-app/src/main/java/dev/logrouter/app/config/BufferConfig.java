package dev.logrouter.app.config;

import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.DiskSpec;
import dev.logrouter.core.sink.WhenFull;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code buffer:} block of every sink, bound by {@link ConfigLoader} (not by the sink's record).
 * The defaults of {@code max_events}, {@code max_bytes} and {@code sync} depend on {@code type}, so
 * they cannot be a {@link Default}: each is one constant below, written as the YAML would write it,
 * which {@link #toSpec()} binds and {@link Doc#absent()} shows.
 */
record BufferConfig(
        @Default("memory")
        @Doc("`memory`, or `disk`: records wait in segment files that survive a restart ([buffers.md](buffers.md))")
        Kind type,
        @Doc(value = "most records held (memory only)", absent = "`" + BufferConfig.MEMORY_MAX_EVENTS + "`")
        Integer maxEvents,
        @Doc(value = "most estimated bytes held in memory; bytes of encoded records on disk",
                absent = "`" + BufferConfig.MEMORY_MAX_BYTES + "` (memory), `" + BufferConfig.DISK_MAX_BYTES
                        + "` (disk)")
        ByteSize maxBytes,
        @Default("drop_oldest")
        @Doc("`drop_oldest`, `drop_newest` or `block` (see [journal.md](journal.md#sinks-and-routes))")
        WhenFull whenFull,
        @Doc(value = "disk only, required: absolute directory of the segment files, one per sink", absent = "—")
        Path path,
        @Doc(value = "disk only: how often appended records are synced to the device and the delivered position "
                + "saved; `0s` syncs every record", absent = "`" + BufferConfig.DISK_SYNC + "`")
        Duration sync) {

    /** Where the records wait. */
    enum Kind { MEMORY, DISK }

    static final String MEMORY_MAX_EVENTS = "100000";
    static final String MEMORY_MAX_BYTES = "64MiB";
    static final String DISK_MAX_BYTES = "1GiB";
    static final String DISK_SYNC = "1s";

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
        if (type == Kind.DISK) {
            long max = (maxBytes == null ? ByteSize.parse(DISK_MAX_BYTES) : maxBytes).bytes();
            return BufferSpec.disk(new DiskSpec(path, sync == null ? ConfigBinder.parseDuration(DISK_SYNC) : sync,
                    DiskSpec.segmentBytesFor(max)), max, whenFull);
        }
        return new BufferSpec(maxEvents == null ? Integer.parseInt(MEMORY_MAX_EVENTS) : maxEvents,
                (maxBytes == null ? ByteSize.parse(MEMORY_MAX_BYTES) : maxBytes).bytes(), whenFull);
    }
}
