package dev.logrouter.core.router;

import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.source.SourceCounters;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.util.concurrent.Queues;

/**
 * The router's subscriber to one source: requests records {@value #BATCH} at a time, journals and
 * routes what it has received (up to {@value #RUN} at once), and offers the routed copies to each
 * sink buffer its routes select in one call per buffer ({@link CopiesByBuffer}): one buffer lock per
 * run of records, not per record. When a {@code when_full: block} buffer does not take all of its
 * share, the rest waits here and nothing more is requested until the buffer calls back with room;
 * the source, seeing no demand, stops reading (see {@link dev.logrouter.core.source.Demand}). No
 * thread waits: the event loop that emitted the records returns at once, and the buffer's worker
 * resumes the intake.
 *
 * <p>The unit that pauses is the whole source: nothing more is routed until every copy of the run is
 * offered, so every sink sees the source's records in order. Copies of the run for buffers offered
 * before the full one have been taken; those for the full buffer and the buffers after it wait with
 * the run. Other sources are not affected. Records held here: at most {@value #BATCH} received and
 * the routed copies of one run of at most {@value #RUN} records. Demand is replenished only
 * between runs, for records whose copies were all offered.
 *
 * <p>Serialized by a work-in-progress counter: {@link #onNext} (the source's thread) and the room
 * callback (a buffer's worker) both run {@link #drain}, one at a time.
 */
final class SourceIntake implements CoreSubscriber<LogRecord>, Disposable {

    /** Records requested at a time: what a paused source may still hand over. */
    static final int BATCH = 256;
    private static final int REPLENISH = BATCH - (BATCH >> 2);
    /**
     * Records routed before their copies are offered: one buffer lock per run. Short beside {@link #BATCH},
     * since demand is replenished only between runs.
     */
    static final int RUN = BATCH >> 2;

    private final Router router;
    private final String name;
    private final SourceCounters counters;
    private final DeliveryTracker tracker;
    private final Queue<LogRecord> incoming = Queues.<LogRecord>get(BATCH).get();
    /** Copies of the current run not yet offered; touched only inside {@link #drain}. */
    private final CopiesByBuffer outbox = new CopiesByBuffer();
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
                if (!outbox.isEmpty()) {
                    // set first: a room callback from another thread may come before the buffer returns
                    blocked = true;
                    if (outbox.offerNext(room)) {
                        blocked = false;
                    }
                    continue;
                }
                // demand only for records whose copies are all offered: a paused source is asked for nothing more
                replenish();
                if (routeRun() == 0) {
                    break;
                }
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    /** Journals and routes up to {@value #RUN} received records into {@link #outbox}; returns how many. */
    private int routeRun() {
        int n = 0;
        LogRecord r;
        while (n < RUN && (r = incoming.poll()) != null) {
            n++;
            if (r.isGap()) {
                // records the source itself lost (e.g. overwritten in the kernel ring)
                counters.drop(r.lost());
            } else {
                counters.record(r.msg().length());
            }
            router.ingest(r, tracker, outbox);
        }
        consumed += n;
        return n;
    }

    private void replenish() {
        if (consumed >= REPLENISH) {
            int n = consumed;
            consumed = 0;
            if (!disposed) {
                upstream.request(n);
            }
        }
    }
}
