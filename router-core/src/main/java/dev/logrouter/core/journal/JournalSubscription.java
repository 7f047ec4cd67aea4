package dev.logrouter.core.journal;

import dev.logrouter.core.record.LogRecord;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.Exceptions;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;

/**
 * One reader's position in the journal; drains on its own worker, as far as demand allows.
 *
 * <p>Reactive Streams rules kept here (the TCK checks them, see JournalPublisherTckTest): nothing is
 * emitted before {@code onSubscribe} has returned (1.3: the drain is held until {@link #start()}, even
 * when the subscriber requests from inside {@code onSubscribe}); every signal comes from the drain
 * loop, one at a time (1.3); {@code request(n <= 0)} cancels and signals
 * {@link IllegalArgumentException} from the drain loop, after which nothing else is emitted (3.9).
 */
final class JournalSubscription implements Subscription, Runnable {

    private final Journal journal;
    private final Subscriber<? super LogRecord> actual;
    private final long end;
    private final Scheduler.Worker worker;
    private final AtomicLong requested = new AtomicLong();
    /** Drain ownership; starts at 1 so no drain runs before {@link #start()} (after onSubscribe). */
    private final AtomicInteger wip = new AtomicInteger(1);
    private final AtomicBoolean parked = new AtomicBoolean();
    private volatile boolean cancelled;
    private volatile boolean completeRequested;
    /** A rule 3.9 violation by the subscriber, to be signalled by the drain loop. */
    private volatile Throwable badRequest;
    private boolean done;
    /** Next cursor to deliver; touched only inside the drain loop. */
    private long position;
    /** Records missed and not yet announced by a gap record; touched only inside the drain loop. */
    private long lost;

    JournalSubscription(Journal journal, Subscriber<? super LogRecord> actual, long start, long end,
                        Scheduler.Worker worker) {
        this.journal = journal;
        this.actual = actual;
        this.position = start;
        this.end = end;
        this.worker = worker;
    }

    /** Called once {@code onSubscribe} has returned: releases the drain held since construction. */
    void start() {
        if (end == Long.MAX_VALUE && !cancelled) {
            journal.followers.add(this);
        }
        schedule();
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            // rule 3.9: cancel, then signal the error from the drain loop (never concurrently with onNext)
            if (badRequest == null) {
                badRequest = Exceptions.nullOrNegativeRequestException(n);
            }
            unregister();
            scheduleDrain();
            return;
        }
        requested.getAndUpdate(v -> Operators.addCap(v, n));
        scheduleDrain();
    }

    @Override
    public void cancel() {
        cancelled = true;
        unregister();
        scheduleDrain();
    }

    /** Called by the journal after an append when this reader may be waiting. */
    void wake() {
        if (parked.compareAndSet(true, false)) {
            journal.waiting.decrementAndGet();
            scheduleDrain();
        }
    }

    /** The journal is closing: complete after what is already deliverable. */
    void complete() {
        completeRequested = true;
        scheduleDrain();
    }

    private void unregister() {
        journal.followers.remove(this);
        if (parked.compareAndSet(true, false)) {
            journal.waiting.decrementAndGet();
        }
    }

    private void scheduleDrain() {
        if (wip.getAndIncrement() == 0) {
            schedule();
        }
    }

    private void schedule() {
        try {
            worker.schedule(this);
        } catch (RuntimeException rejected) {
            // scheduler disposed at shutdown: nothing more can be delivered
            cancelled = true;
            unregister();
        }
    }

    @Override
    public void run() {
        int missed = 1;
        do {
            drain();
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void drain() {
        if (done) {
            return;
        }
        long r = requested.get();
        long emitted = 0;
        // the producer writes tail on every append: read it only when the cached value is used up
        long tail = journal.tail();
        while (true) {
            if (cancelled) {
                finish();
                return;
            }
            Throwable bad = badRequest;
            if (bad != null) {
                done = true;
                finish();
                actual.onError(bad);
                return;
            }
            if (emitted == r) {
                r = requested.addAndGet(-emitted);
                emitted = 0;
                if (r == 0) {
                    break;
                }
            }
            if (position >= tail) {
                tail = journal.tail();
            }
            if (lost > 0 && (position >= tail || isHeld(position))) {
                // one gap record for every run of missed records, just before the next record
                actual.onNext(LogRecord.gap(LogRecord.now(), "journal reader", lost));
                lost = 0;
                emitted++;
                continue;
            }
            if (position >= end) {
                done = true;
                finish();
                actual.onComplete();
                return;
            }
            if (position >= tail) {
                if (completeRequested) {
                    done = true;
                    finish();
                    actual.onComplete();
                    return;
                }
                // caught up: park, then re-check tail so an append racing with parking is not missed
                if (parked.compareAndSet(false, true)) {
                    journal.waiting.incrementAndGet();
                }
                tail = journal.tail();
                if (tail > position) {
                    if (parked.compareAndSet(true, false)) {
                        journal.waiting.decrementAndGet();
                    }
                    continue;
                }
                break;
            }
            LogRecord rec = journal.slot(position);
            if (rec == null || rec.cursor() != position) {
                long h = journal.head();
                if (h > position) {
                    long missed = Math.min(h, end) - position;
                    journal.readerGaps.addAndGet(missed);
                    lost += missed;
                    position = Math.min(h, end);
                    continue;
                }
                // the append that published this cursor is still releasing its slot
                Thread.onSpinWait();
                continue;
            }
            position++;
            actual.onNext(rec);
            emitted++;
        }
        if (emitted != 0) {
            requested.addAndGet(-emitted);
        }
    }

    /** True when the record at {@code cursor} is still in the ring. */
    private boolean isHeld(long cursor) {
        LogRecord rec = journal.slot(cursor);
        return rec != null && rec.cursor() == cursor;
    }

    private void finish() {
        unregister();
        worker.dispose();
    }
}
