package dev.logrouter.app.config;

import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.WhenFull;

/**
 * The {@code buffer:} block of a sink.
 *
 * @param maxEvents most records held (default 100000)
 * @param maxBytes  most bytes held (default 64MiB)
 * @param whenFull  {@code drop_oldest} (default), {@code drop_newest} or {@code block}
 */
record BufferConfig(Integer maxEvents, ByteSize maxBytes, WhenFull whenFull) {

    BufferConfig {
        if (maxEvents != null && maxEvents < 1) {
            throw new IllegalArgumentException("max_events must be at least 1");
        }
        if (maxBytes != null && maxBytes.bytes() < 1024) {
            throw new IllegalArgumentException("max_bytes must be at least 1KiB");
        }
    }

    BufferSpec toSpec() {
        BufferSpec d = BufferSpec.DEFAULT;
        return new BufferSpec(maxEvents == null ? d.maxEvents() : maxEvents,
                maxBytes == null ? d.maxBytes() : maxBytes.bytes(), whenFull == null ? d.whenFull() : whenFull);
    }
}
