package dev.logrouter.core.journal;

import dev.logrouter.core.record.LogRecord;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;
import org.reactivestreams.Subscriber;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The journal: a bounded in-memory ring of every record the router has seen, and the replayable
 * {@link Flux} that all readers share.
 *
 * <p>Appends never wait for readers. The ring holds at most {@link JournalSpec#maxLines()} records
 * and at most {@link JournalSpec#maxBytes()} estimated bytes; the oldest records are dropped first.
 * Every appended record gets the next cursor, so cursors are strictly increasing and contiguous in
 * journal order, from any number of concurrent producers.
 *
 * <p>Readers ({@link #read}) each keep only a cursor: a stalled reader pins no records. Each reader
 * honours its own demand and is delivered on its own worker of the journal's scheduler. A reader that
 * falls behind the oldest record still held receives one gap record ({@link LogRecord#gap}) with the
 * exact number of records it missed, then continues from the oldest record held.
 */
public final class Journal implements AutoCloseable {

    /** How long after an append waiting followers are woken; see {@link #wakeFollowers()}. */
    static final long WAKE_DELAY_MICROS = 200;

    private final JournalSpec spec;
    private final int capacity;
    private final AtomicReferenceArray<LogRecord> slots;
    private final int[] slotBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Scheduler readerScheduler;
    private final boolean ownsScheduler;

    /** Cursor of the oldest record held; written under lock before a slot is cleared. */
    private volatile long head = 1;
    /** Cursor the next append gets; written under lock after its slot is filled. */
    private volatile long tail = 1;
    private long bytes;
    private long overwritten;

    final Set<JournalSubscription> followers = ConcurrentHashMap.newKeySet();
    /** Number of followers that caught up and wait for an append. */
    final AtomicInteger waiting = new AtomicInteger();
    private final AtomicBoolean wakeScheduled = new AtomicBoolean();
    private final Scheduler.Worker waker;
    final AtomicLong readerGaps = new AtomicLong();

    private Journal(JournalSpec spec, Scheduler readerScheduler, boolean ownsScheduler) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.capacity = spec.maxLines();
        this.slots = new AtomicReferenceArray<>(capacity);
        this.slotBytes = new int[capacity];
        this.readerScheduler = readerScheduler;
        this.ownsScheduler = ownsScheduler;
        this.waker = readerScheduler.createWorker();
    }

    /** A journal whose readers are delivered on a scheduler of its own, disposed on {@link #close()}. */
    public static Journal create(JournalSpec spec) {
        return new Journal(spec, Schedulers.newBoundedElastic(64, Integer.MAX_VALUE, "journal-reader", 60, true), true);
    }

    /** A journal whose readers are delivered on {@code scheduler} (tests use a virtual-time one). */
    public static Journal create(JournalSpec spec, Scheduler scheduler) {
        return new Journal(spec, scheduler, false);
    }

    public JournalSpec spec() {
        return spec;
    }

    /**
     * Appends a record, assigning it the next cursor. Never blocks on readers; safe from any thread.
     *
     * @return the stored record, carrying its cursor
     */
    public LogRecord append(LogRecord draft) {
        // the cursor does not change the estimate: computed (and kept by the record) before the lock,
        // so producers do not wait on each other's message scans
        int size = sizeOf(draft);
        LogRecord r;
        lock.lock();
        try {
            r = place(draft, size);
        } finally {
            lock.unlock();
        }
        if (waiting.get() > 0) {
            wakeFollowers();
        }
        return r;
    }

    private static int sizeOf(LogRecord r) {
        return (int) Math.min(Integer.MAX_VALUE, r.estimatedBytes());
    }

    /** Under the lock: gives {@code draft} the next cursor, evicts what no longer fits, stores it. */
    private LogRecord place(LogRecord draft, int size) {
        long c = tail;
        // the draft was just built by its source and is seen by no other thread yet: it takes its
        // cursor in place (a draft that already has one is copied)
        LogRecord r = draft.assignCursor(c);
        long h = head;
        while (h < c && (c - h >= capacity || bytes + size > spec.maxBytes())) {
            int i = index(h);
            bytes -= slotBytes[i];
            h++;
            head = h;
            slots.setRelease(i, null);
            overwritten++;
        }
        int i = index(c);
        slots.setRelease(i, r);
        slotBytes[i] = size;
        bytes += size;
        tail = c + 1;
        return r;
    }

    /**
     * Reads the journal.
     *
     * <p>Cold: the start position is taken at subscription, not when this method is called.
     * {@link ReadMode#DUMP} replays what is held then completes; {@link ReadMode#FOLLOW} emits only
     * later appends and never completes; {@link ReadMode#DUMP_THEN_FOLLOW} does both with no gap and
     * no duplicate at the seam. With {@code last > 0} the replay starts at most {@code last} records
     * before the newest. Emits no more than requested; records not yet requested stay in the ring
     * only (a reader that falls behind the ring gets a gap record with the exact count).
     *
     * @param mode how to start and whether to end
     * @param last at most this many records replayed; {@code <= 0} for everything held
     */
    public Flux<LogRecord> read(ReadMode mode, long last) {
        Objects.requireNonNull(mode, "mode");
        return Flux.from((Subscriber<? super LogRecord> s) -> {
            long t = tail;
            long h = head;
            long start;
            long end;
            switch (mode) {
                case FOLLOW:
                    start = t;
                    end = Long.MAX_VALUE;
                    break;
                case DUMP:
                    start = last > 0 ? Math.max(h, t - last) : h;
                    end = t;
                    break;
                default:
                    start = last > 0 ? Math.max(h, t - last) : h;
                    end = Long.MAX_VALUE;
                    break;
            }
            JournalSubscription sub = new JournalSubscription(this, s, start, end, readerScheduler.createWorker());
            s.onSubscribe(sub);
            sub.start();
        });
    }

    /** Everything held now, then complete. See {@link #read(ReadMode, long)}. */
    public Flux<LogRecord> dump() {
        return read(ReadMode.DUMP, 0);
    }

    /** New records only, never completes. See {@link #read(ReadMode, long)}. */
    public Flux<LogRecord> follow() {
        return read(ReadMode.FOLLOW, 0);
    }

    /** Everything held now then new records, no gap and no duplicate at the seam. See {@link #read(ReadMode, long)}. */
    public Flux<LogRecord> dumpThenFollow() {
        return read(ReadMode.DUMP_THEN_FOLLOW, 0);
    }

    public JournalStats stats() {
        lock.lock();
        try {
            long h = head;
            long t = tail;
            LogRecord oldest = h < t ? slots.get(index(h)) : null;
            return new JournalStats(t - h, bytes, h, t, oldest == null ? 0 : oldest.time(), t - 1, overwritten,
                    readerGaps.get());
        } finally {
            lock.unlock();
        }
    }

    /** Number of readers attached in a following mode. */
    public int followerCount() {
        return followers.size();
    }

    long tail() {
        return tail;
    }

    long head() {
        return head;
    }

    LogRecord slot(long cursor) {
        return slots.getAcquire(index(cursor));
    }

    private int index(long cursor) {
        return (int) (cursor % capacity);
    }

    /**
     * Wakes waiting followers from one task, so an append costs one volatile read when none wait.
     * The task runs {@link #WAKE_DELAY_MICROS} after the first append that needs it: followers that
     * keep up then wake once per batch instead of once per record, which keeps their cost off the
     * producers at high rates for a fraction of a millisecond of latency.
     */
    private void wakeFollowers() {
        if (!wakeScheduled.get() && wakeScheduled.compareAndSet(false, true)) {
            waker.schedule(() -> {
                wakeScheduled.set(false);
                for (JournalSubscription f : followers) {
                    f.wake();
                }
            }, WAKE_DELAY_MICROS, TimeUnit.MICROSECONDS);
        }
    }

    @Override
    public void close() {
        for (JournalSubscription f : followers) {
            f.complete();
        }
        waker.dispose();
        if (ownsScheduler) {
            readerScheduler.dispose();
        }
    }
}
