package dev.logrouter.core.journal;

/**
 * A consistent-enough snapshot of the journal's counters.
 *
 * @param records     records held now
 * @param bytes       estimated bytes held now
 * @param oldestCursor cursor of the oldest record held (equals {@code nextCursor} when empty)
 * @param nextCursor  cursor the next append gets
 * @param oldestTime  epoch nanos of the oldest record held, or 0 when empty
 * @param appended    records appended since start
 * @param overwritten records evicted by either bound since start
 * @param readerGaps  records that readers missed because they fell behind the ring
 */
public record JournalStats(long records, long bytes, long oldestCursor, long nextCursor, long oldestTime,
                           long appended, long overwritten, long readerGaps) {
}
