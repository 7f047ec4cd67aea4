package dev.logrouter.app.config;

import dev.logrouter.core.journal.JournalSpec;

/**
 * The {@code journal:} block.
 *
 * @param maxLines most records held (default 5000)
 * @param maxBytes most bytes held (default 8MiB)
 */
record JournalConfig(Integer maxLines, ByteSize maxBytes) {

    JournalConfig {
        if (maxLines != null && maxLines < 1) {
            throw new IllegalArgumentException("max_lines must be at least 1");
        }
        if (maxBytes != null && maxBytes.bytes() < 1024) {
            throw new IllegalArgumentException("max_bytes must be at least 1KiB");
        }
    }

    JournalSpec toSpec() {
        return new JournalSpec(maxLines == null ? JournalSpec.DEFAULT.maxLines() : maxLines,
                maxBytes == null ? JournalSpec.DEFAULT.maxBytes() : maxBytes.bytes());
    }
}
