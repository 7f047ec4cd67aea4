package dev.logrouter.core.router;

import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.sink.Admission;
import dev.logrouter.core.sink.SinkBuffer;
import dev.logrouter.core.source.SourceCounters;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.util.concurrent.Queues;

/**
 * The router's subscriber to one source: requests records {@value #BATCH} at a time, journals and
 * routes each, and offers it to the sink buffers its routes select. When a {@code when_full: block}
 * buffer answers {@link Admission#FULL}, the record waits here and nothing more is requested until
 * the buffer calls back with room; the source, seeing no demand, stops reading (see
 * {@link dev.logrouter.core.source.Demand}). No thread waits: the event loop that emitted the record
 * returns at once, and the buffer's worker resumes the intake.
 *
 * <p>The unit that pauses is the whole source: its later records wait behind the one that does not fit,
 * also those routed only to other sinks, so every sink sees the source's records in order. Other
 * sources are not affected. Records held here: at most {@value #BATCH} received and the routed copies
 * of one record.
 *
 * <p>Serialized by a work-in-progress counter: {@link #onNext} (the source's thread) and the room
 * callback (a buffer's worker) both run {@link #drain}, one at a time.
 */
final class SourceIntake implements CoreSubscriber<LogRecord>, Disposable {

    /** Records requested at a time: what a paused source may still hand over. */
    static final int BATCH = 256;
    private static final int REPLENISH = BATCH - (BATCH >> 2);

    /** A routed copy of a record waiting for its buffer. */
    record Pending(SinkBuffer buffer, LogRecord record) {
    }

    private final Router router;
    private final String name;
    private final SourceCounters counters;
    private final DeliveryTracker tracker;
    private final Queue<LogRecord> incoming = Queues.<LogRecord>get(BATCH).get();
    /** Copies of the current record not yet offered; touched only inside {@link #drain}. */
    private final ArrayDeque<Pending> outbox = new ArrayDeque<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final Runnable room = this::roomAvailable;
    private volatile Subscription upstream;
    private volatile boolean blocked;
    private volatile boolean disposed;
    private int consumed;

    SourceIntake(Router router, String name, SourceCounters counters, DeliveryTracker tracker) {
        this.router = router;
        this.name = name;
        this.counters = counters;
        this.tracker = tracker;
    }

    @Override
    public void onSubscribe(Subscription s) {
        upstream = s;
        if (disposed) {
            s.cancel();
            return;
        }
        s.request(BATCH);
    }

    @Override
    public void onNext(LogRecord r) {
        if (!incoming.offer(r)) {
            // the source emitted beyond the demand it was given: a bug in the source, never silent
            upstream.cancel();
            onError(new IllegalStateException("source " + name + " emitted more records than requested"));
            return;
        }
        drain();
    }

    @Override
    public void onError(Throwable t) {
        router.sourceFailed(name, counters, t);
    }

    @Override
    public void onComplete() {
        counters.state("stopped");
    }

    @Override
    public void dispose() {
        disposed = true;
        Subscription s = upstream;
        if (s != null) {
            s.cancel();
        }
    }

    @Override
    public boolean isDisposed() {
        return disposed;
    }

    private void roomAvailable() {
        blocked = false;
        drain();
    }

    /**
     * Offers what waits, then routes what was received, until a buffer is full or nothing is left.
     * Records already received are still routed after {@link #dispose} (a closed buffer counts them).
     */
    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            while (!blocked) {
                Pending p = outbox.peekFirst();
                if (p != null) {
                    // set first: a room callback from another thread may come before FULL is returned
                    blocked = true;
                    if (p.buffer().tryOffer(p.record(), room) != Admission.FULL) {
                        blocked = false;
                        outbox.pollFirst();
                    }
                    continue;
                }
                LogRecord r = incoming.poll();
                if (r == null) {
                    break;
                }
                if (r.isGap()) {
                    // records the source itself lost (e.g. overwritten in the kernel ring)
                    counters.drop(r.lost());
                } else {
                    counters.record(r.msg().length());
                }
                router.ingest(r, tracker, outbox);
                if (++consumed == REPLENISH) {
                    consumed = 0;
                    if (!disposed) {
                        upstream.request(REPLENISH);
                    }
                }
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }
}
