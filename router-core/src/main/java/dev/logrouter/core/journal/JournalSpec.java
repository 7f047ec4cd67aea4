package dev.logrouter.core.journal;

/**
 * Bounds of the journal ring: the oldest records are overwritten when either bound is reached. The
 * defaults are the config's ({@code journal:}, docs/configuration.md).
 *
 * @param maxLines most records held
 * @param maxBytes most estimated heap bytes held by the records
 */
public record JournalSpec(int maxLines, long maxBytes) {

    public JournalSpec {
        if (maxLines < 1) {
            throw new IllegalArgumentException("journal max_lines must be at least 1, was " + maxLines);
        }
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("journal max_bytes must be at least 1KiB, was " + maxBytes);
        }
    }
}
