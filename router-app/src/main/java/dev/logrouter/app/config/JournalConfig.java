package dev.logrouter.app.config;

import dev.logrouter.core.journal.JournalSpec;

/** The {@code journal:} block: the bounds of the in-memory ring that {@code logrouter read} reads. */
record JournalConfig(
        @Default("5000") @Doc("most records held (memlogd's default); the oldest are overwritten beyond it")
        Integer maxLines,
        @Default("8MiB") @Doc("most estimated heap bytes held by the records; the oldest are overwritten beyond it")
        ByteSize maxBytes) {

    JournalConfig {
        if (maxLines != null && maxLines < 1) {
            throw new IllegalArgumentException("max_lines must be at least 1");
        }
        if (maxBytes != null && maxBytes.bytes() < 1024) {
            throw new IllegalArgumentException("max_bytes must be at least 1KiB");
        }
    }

    JournalSpec toSpec() {
        return new JournalSpec(maxLines, maxBytes.bytes());
    }
}
