package dev.logrouter.core.sink;

import dev.logrouter.core.record.LogRecord;
import java.util.List;

/**
 * Where a {@link SinkBuffer} keeps its records: in memory or in segment files on disk. Every method
 * is called with the buffer's lock held, so implementations need no locking of their own (except
 * {@link #sync}, called without it).
 */
interface BufferStore {

    /** What a store tells its buffer. */
    interface Events {
        /**
         * The store no longer needs the sources to keep {@code records} (in order): it was delivered (memory) or
         * persisted (disk), or dropped by {@code drop_oldest}.
         */
        void released(List<LogRecord> records);

        /**
         * Whether {@link #released} must hear of {@code r} once the sink has it (a source waits for it):
         * a memory store keeps only those records in flight, the rest leave it when handed out.
         */
        boolean keepsInFlight(LogRecord r);

        /** Records lost inside the store (a corrupt disk segment): counted as dropped, announced by a gap. */
        void lost(long n);
    }

    /** Records waiting to be handed out. */
    int waiting();

    /** True when {@code incoming} more bytes would exceed the spec's bounds and something is held. */
    boolean isFull(long incoming, BufferSpec spec);

    /** Size of {@code r} as counted against {@code max_bytes}; called before the lock is taken. */
    long sizeOf(LogRecord r);

    /** Appends {@code r} (of {@link #sizeOf} {@code size}); false when it could not be stored (counted as dropped). */
    boolean append(LogRecord r, long size);

    /**
     * The next record to hand out, as entry {@code position} of the subscriber's flux (counted from 1,
     * the buffer's gap records included), now in flight until {@link #ack}ed; null when none.
     */
    LogRecord next(long position);

    /** Drops the oldest waiting record; false when none is waiting. */
    boolean dropOldest();

    /**
     * The sink is done with the first {@code received} entries of its flux.
     *
     * @return true when room was freed
     */
    boolean ack(long received);

    /** The subscriber cancelled: forgets what it does not keep; returns the number of records dropped. */
    long cancel();

    /** Makes what was appended durable; no-op for memory. Called without the buffer's lock. */
    default void sync() {
    }

    /** Releases files; no more calls follow. */
    default void close() {
    }
}
