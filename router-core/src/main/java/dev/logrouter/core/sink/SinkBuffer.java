package dev.logrouter.core.sink;

import dev.logrouter.core.record.LogRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;

/**
 * The bounded buffer in front of one sink: many producers {@link #offer}, one subscriber reads
 * {@link #flux()}.
 *
 * <p>Backpressure: records are delivered only as the subscriber requests them, on a worker of the
 * given scheduler. Once the buffer holds {@code max_events} records or {@code max_bytes} bytes, the
 * {@link WhenFull} policy applies: drop the oldest or the newest (counted exactly, and announced to
 * the subscriber by one gap record with the count before the next record), or block the producer.
 * Before the first subscriber records accumulate under the same bounds. Nothing is replayed: each
 * record is delivered once. {@link #close()} completes the flux after what is buffered.
 *
 * <p>Where records wait depends on the spec: in memory, or, with a {@link DiskSpec}, in segment
 * files that survive a restart (records not acknowledged before it are handed out again, see
 * {@link #replayed()}). The sink acknowledges what it has delivered with {@link #ack}; a disk
 * buffer frees its segments only then. {@link #onRelease} tells the router when a record no longer
 * needs to be kept by its source: acknowledged (memory) or synced to disk (disk), or dropped by the
 * {@code when_full} policy.
 *
 * <p>Held records: given a {@code settled} count (records the sink wrote or dropped itself, see
 * {@link SinkCounters#tracksSettlement()}), records handed to the subscriber but not yet settled (in the
 * sink's batches, prefetch and pending queues) count against {@code max_events}/{@code max_bytes} and
 * in {@link #depth()} too, so the bounds of a memory buffer cover everything the sink holds. When the
 * whole bound is held by the sink, {@code drop_oldest} drops the incoming record (the oldest ones are
 * already in the sink's hands) and {@code block} waits until the sink settles some. (That is {@link #offer};
 * the router uses {@link #tryOffer}, which never waits and bounds only the records waiting here.)
 */
public final class SinkBuffer {

    /** How long after an offer a drain starts; see {@link #drain(long)}. */
    static final long OFFER_DRAIN_DELAY_MICROS = 200;

    private final String name;
    private final BufferSpec spec;
    private final boolean emitGaps;
    private final Scheduler.Worker worker;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final BufferStore store;
    private final Disposable syncTask;
    private volatile Consumer<List<LogRecord>> releaseListener;
    /** Records written or dropped by the sink so far, or null when the sink does not report it. */
    private final LongSupplier settled;
    /**
     * Estimated size of each record handed to the subscriber and not yet settled, in hand-over order;
     * {@link #GAP} for a gap record (settled like a record, but not one of the records offered).
     */
    private final IntFifo held = new IntFifo();
    private static final int GAP = -1;
    private int heldGaps;
    private long heldBytes;
    /** Settlements already taken off {@link #held}. */
    private long settledSeen;
    /** Drops not yet announced by a gap record. */
    private long unannounced;
    private boolean closed;
    /** Producers told {@link Admission#FULL}, to call once there is room; under the lock. */
    private final List<Runnable> roomWaiters = new ArrayList<>();

    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    /** The part of {@link #dropped} lost because the buffer was closed or cancelled (shutdown, reload). */
    private final AtomicLong droppedShutdown = new AtomicLong();
    private final AtomicLong requested = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    /** Set once {@code onSubscribe} has returned (rule 1.3), cleared at the end (rule 3.13). */
    private volatile Subscriber<? super LogRecord> subscriber;
    /** Under the lock: the one subscriber allowed has come. */
    private boolean subscribed;
    private volatile boolean cancelled;
    /** A {@code request(n <= 0)}: signalled by the drain as {@code onError}, which ends the subscription. */
    private volatile Throwable badRequest;
    private boolean done;

    /**
     * @param name     the sink's name, used in gap records
     * @param emitGaps whether drops are announced to the subscriber as gap records
     * @throws IllegalArgumentException when a disk buffer's directory cannot be used
     */
    public SinkBuffer(String name, BufferSpec spec, boolean emitGaps, Scheduler scheduler) {
        this(name, spec, emitGaps, scheduler, null);
    }

    /**
     * @param settled records the subscribing sink has written or dropped so far (gap records
     *                included), or {@code null}: then only the records waiting here are bounded
     */
    public SinkBuffer(String name, BufferSpec spec, boolean emitGaps, Scheduler scheduler, LongSupplier settled) {
        this.settled = settled;
        this.name = Objects.requireNonNull(name, "name");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.emitGaps = emitGaps;
        BufferStore.Events events = new BufferStore.Events() {
            @Override
            public void released(List<LogRecord> records) {
                Consumer<List<LogRecord>> l = releaseListener;
                if (l != null) {
                    l.accept(records);
                }
            }

            @Override
            public void lost(long n) {
                dropped.addAndGet(n);
                offered.addAndGet(n);
                unannounced += n;
            }
        };
        if (spec.isDisk()) {
            DiskStore d;
            try {
                d = DiskStore.open(name, spec.disk(), events);
            } catch (IOException e) {
                throw new IllegalArgumentException("disk buffer of sink '" + name + "': cannot use "
                        + spec.disk().path() + ": " + e.getMessage(), e);
            }
            this.store = d;
            offered.addAndGet(d.waiting()); // recovered from the last run: offered again
            long every = Math.max(1, spec.disk().sync().toMillis());
            this.syncTask = spec.disk().sync().isZero() ? null
                    : scheduler.schedulePeriodically(this::sync, every, every, TimeUnit.MILLISECONDS);
        } else {
            this.store = new MemoryStore(events);
            this.syncTask = null;
        }
        this.worker = scheduler.createWorker();
    }

    /**
     * Whom to tell that records no longer need to be kept by their sources, oldest first, in batches;
     * see the class comment. Called on the thread that offers, acknowledges or syncs.
     */
    public void onRelease(Consumer<List<LogRecord>> listener) {
        this.releaseListener = listener;
    }

    private void release(LogRecord r) {
        Consumer<List<LogRecord>> l = releaseListener;
        if (l != null) {
            l.accept(List.of(r));
        }
    }

    /**
     * The sink has delivered {@code r} and every record it received before it (or is done with
     * them: dropped and counted). A record this buffer did not hand out, or acknowledged already, is
     * ignored. Thread-safe.
     */
    public void ack(LogRecord r) {
        List<Runnable> room = null;
        lock.lock();
        try {
            if (store.ack(r)) {
                notFull.signalAll();
                room = takeRoomWaiters();
            }
        } finally {
            lock.unlock();
        }
        callOnWorker(room);
    }

    /** Flushes a disk buffer to the device and saves its delivered position. */
    private void sync() {
        store.sync();
        if (store instanceof DiskStore d) {
            DiskStore.Checkpoint c;
            lock.lock();
            try {
                c = d.checkpoint();
            } finally {
                lock.unlock();
            }
            if (c != null) {
                try {
                    d.save(c);
                } catch (IOException e) {
                    LoggerFactory.getLogger(SinkBuffer.class).warn("disk buffer '{}': cannot save checkpoint: {}",
                            name, e.toString());
                }
            }
        }
    }

    public String name() {
        return name;
    }

    public BufferSpec spec() {
        return spec;
    }

    /**
     * Adds a record, applying the {@code when_full} policy. With {@link WhenFull#BLOCK} this waits for
     * room (or for {@link #close()}); otherwise it never waits on the subscriber.
     *
     * @return false when the record was dropped (full with {@code drop_newest}, or closed)
     */
    public boolean offer(LogRecord r) {
        offered.incrementAndGet();
        long size = store.sizeOf(r);
        lock.lock();
        try {
            if (closed || cancelled) {
                dropped.incrementAndGet();
                droppedShutdown.incrementAndGet();
                return false;
            }
            while (isFull(size)) {
                switch (spec.whenFull()) {
                    case DROP_NEWEST:
                        dropped.incrementAndGet();
                        unannounced++;
                        release(r);
                        return false;
                    case DROP_OLDEST:
                        if (!store.dropOldest()) {
                            // everything held is in flight in the sink: the newcomer goes instead
                            dropped.incrementAndGet();
                            unannounced++;
                            release(r);
                            return false;
                        }
                        dropped.incrementAndGet();
                        unannounced++;
                        break;
                    default:
                        try {
                            notFull.await(100, TimeUnit.MILLISECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            dropped.incrementAndGet();
                            unannounced++;
                            release(r);
                            return false;
                        }
                        if (closed || cancelled) {
                            dropped.incrementAndGet();
                            droppedShutdown.incrementAndGet();
                            return false;
                        }
                }
            }
            if (!store.append(r, size)) {
                dropped.incrementAndGet();
                unannounced++;
                release(r);
                return false;
            }
        } finally {
            lock.unlock();
        }
        if (subscriber != null) {
            drain(OFFER_DRAIN_DELAY_MICROS);
        }
        return true;
    }

    /**
     * Adds a record without ever waiting. Under {@link WhenFull#BLOCK} a full buffer does not take it:
     * the answer is {@link Admission#FULL} and {@code onRoom} runs once, on this buffer's worker, when
     * there is room again (or the buffer was closed: a retry then answers {@link Admission#DROPPED}).
     * Other policies answer as {@link #offer} does. With {@code onRoom == null} a full block buffer takes
     * the record beyond its bound: for producers that cannot pause (the router's own log lines).
     *
     * <p>"Full" here is the store's own bound ({@code max_events} / {@code max_bytes} of records waiting,
     * or on disk); the records a sink holds in its own batches are not counted, so room appears exactly
     * when the sink takes records (or acknowledges them, for a disk buffer), both of which this buffer
     * sees. A sink's own holdings are bounded by its prefetch.
     */
    public Admission tryOffer(LogRecord r, Runnable onRoom) {
        if (spec.whenFull() != WhenFull.BLOCK) {
            return offer(r) ? Admission.ACCEPTED : Admission.DROPPED;
        }
        long size = store.sizeOf(r);
        lock.lock();
        try {
            if (closed || cancelled) {
                offered.incrementAndGet();
                dropped.incrementAndGet();
                droppedShutdown.incrementAndGet();
                return Admission.DROPPED;
            }
            if (onRoom != null && store.isFull(size, spec)) {
                roomWaiters.add(onRoom);
                return Admission.FULL;
            }
            offered.incrementAndGet();
            if (!store.append(r, size)) {
                dropped.incrementAndGet();
                unannounced++;
                release(r);
                return Admission.DROPPED;
            }
        } finally {
            lock.unlock();
        }
        if (subscriber != null) {
            drain(OFFER_DRAIN_DELAY_MICROS);
        }
        return Admission.ACCEPTED;
    }

    /** Under the lock: the room waiters to call now (there is room, or no room will ever come), else null. */
    private List<Runnable> takeRoomWaiters() {
        if (roomWaiters.isEmpty() || !(closed || cancelled || !store.isFull(0, spec))) {
            return null;
        }
        List<Runnable> run = new ArrayList<>(roomWaiters);
        roomWaiters.clear();
        return run;
    }

    /** Runs room waiters on this buffer's worker, so no acknowledging or closing thread runs a producer. */
    private void callOnWorker(List<Runnable> room) {
        if (room == null) {
            return;
        }
        try {
            worker.schedule(() -> runAll(room));
        } catch (RuntimeException rejected) {
            // the worker is gone (cancelled or finished): the waiters will find the buffer closed
            runAll(room);
        }
    }

    /** After a cancel: producers waiting for room retry now and find the buffer closed (counted drops). */
    private void releaseRoomWaiters() {
        List<Runnable> room;
        lock.lock();
        try {
            room = takeRoomWaiters();
        } finally {
            lock.unlock();
        }
        runAll(room);
    }

    private static void runAll(List<Runnable> room) {
        if (room != null) {
            for (Runnable r : room) {
                r.run();
            }
        }
    }

    /** Under the lock. Refreshes the settled count only when the stale figures say full. */
    private boolean isFull(long incoming) {
        if (settled == null || !(store instanceof MemoryStore memory)) {
            return store.isFull(incoming, spec);
        }
        if (!overBound(memory, incoming)) {
            return false;
        }
        settle();
        return overBound(memory, incoming);
    }

    private boolean overBound(MemoryStore memory, long incoming) {
        int count = memory.waiting() + held.count - heldGaps;
        return count > 0 && (count >= spec.maxEvents() || memory.bytes() + heldBytes + incoming > spec.maxBytes());
    }

    /** Under the lock: takes the records the sink settled since the last call off {@link #held}, oldest first. */
    private void settle() {
        long s = settled.getAsLong();
        while (settledSeen < s && held.count > 0) {
            int size = held.pollFirst();
            if (size == GAP) {
                heldGaps--;
            } else {
                heldBytes -= size;
            }
            settledSeen++;
        }
        // settlements beyond what was handed over (none expected) are forgotten, never owed
        settledSeen = Math.max(settledSeen, s);
    }

    /**
     * The records, for exactly one subscriber. See the class comment for backpressure and replay.
     * Signals follow the Reactive Streams rules (the TCK runs against them): nothing is signalled
     * before {@code onSubscribe} returns, {@code request(n <= 0)} ends the subscription with
     * {@code onError} from the drain (never concurrently with {@code onNext}), and after a cancel or
     * a terminal signal the buffer no longer references the subscriber.
     */
    public Flux<LogRecord> flux() {
        return Flux.from((Subscriber<? super LogRecord> s) -> {
            lock.lock();
            try {
                if (subscribed) {
                    Operators.error(s, new IllegalStateException("sink buffer '" + name + "' allows one subscriber"));
                    return;
                }
                subscribed = true;
            } finally {
                lock.unlock();
            }
            s.onSubscribe(new BufferSubscription());
            // Only now may the drain signal: requests made inside onSubscribe are served from here.
            if (!cancelled) {
                subscriber = s;
                if (cancelled) {
                    subscriber = null; // cancelled from another thread meanwhile
                } else {
                    drain();
                }
            }
        });
    }

    /** The subscriber's handle; it holds no reference to the subscriber itself. */
    private final class BufferSubscription implements Subscription {
        @Override
        public void request(long n) {
            if (!Operators.validate(n)) {
                if (badRequest == null) {
                    badRequest = Exceptions.nullOrNegativeRequestException(n);
                }
            } else {
                requested.getAndUpdate(v -> Operators.addCap(v, n));
            }
            drain();
        }

        @Override
        public void cancel() {
            stop();
            subscriber = null;
            worker.dispose();
        }
    }

    /** The subscription is over (cancel or bad request): what is buffered is dropped and counted. */
    private void stop() {
        cancelled = true;
        lock.lock();
        try {
            long n = store.cancel();
            dropped.addAndGet(n);
            droppedShutdown.addAndGet(n);
            stopStore();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        releaseRoomWaiters(); // paused producers retry, find the buffer closed and count their record
    }

    /** No more offers: the flux completes once what is buffered is delivered. */
    public void close() {
        List<Runnable> room;
        lock.lock();
        try {
            closed = true;
            notFull.signalAll();
            room = takeRoomWaiters();
        } finally {
            lock.unlock();
        }
        callOnWorker(room);
        drain();
    }

    private void drain() {
        drain(0);
    }

    /**
     * Starts a drain unless one is pending or running. An offer starts it a little later, so that a
     * consumer that keeps up takes records in batches instead of waking once per record.
     */
    private void drain(long delayMicros) {
        if (subscriber == null || wip.getAndIncrement() != 0) {
            return;
        }
        try {
            if (delayMicros > 0) {
                worker.schedule(this::drainLoop, delayMicros, TimeUnit.MICROSECONDS);
            } else {
                worker.schedule(this::drainLoop);
            }
        } catch (RuntimeException rejected) {
            cancelled = true;
        }
    }

    private void drainLoop() {
        int missed = 1;
        Subscriber<? super LogRecord> s = subscriber;
        do {
            if (!done && s != null && badRequest != null) {
                // rule 3.9: the error ends the subscription, like a cancel, and nothing follows it
                done = true;
                stop();
                subscriber = null;
                s.onError(badRequest);
                worker.dispose();
            }
            if (!done && s != null && !cancelled) {
                long r = requested.get();
                long e = 0;
                while (e != r && !cancelled && badRequest == null) {
                    LogRecord next;
                    long gap = 0;
                    boolean complete = false;
                    List<Runnable> room = null;
                    lock.lock();
                    try {
                        if (unannounced > 0 && emitGaps) {
                            gap = unannounced;
                            unannounced = 0;
                            next = null;
                            if (settled != null) {
                                held.addLast(GAP);
                                heldGaps++;
                            }
                        } else {
                            next = store.next();
                            if (next != null) {
                                if (settled != null) {
                                    int size = (int) Math.min(Integer.MAX_VALUE, store.sizeOf(next));
                                    held.addLast(size);
                                    heldBytes += size;
                                }
                                notFull.signal();
                                room = takeRoomWaiters();
                            } else {
                                complete = closed;
                            }
                        }
                    } finally {
                        lock.unlock();
                    }
                    // on this worker already; before onNext, so producers refill while the sink writes
                    runAll(room);
                    if (gap > 0) {
                        s.onNext(LogRecord.gap(LogRecord.now(), "sink " + name, gap));
                    } else if (next != null) {
                        delivered.incrementAndGet();
                        s.onNext(next);
                    } else {
                        if (complete) {
                            done = true;
                            finish();
                            subscriber = null;
                            s.onComplete();
                        }
                        break;
                    }
                    e++;
                }
                if (e != 0 && r != Long.MAX_VALUE) {
                    requested.addAndGet(-e);
                }
                if (!done && !cancelled && badRequest == null && e == r && queueEmptyAndClosed()) {
                    done = true;
                    finish();
                    subscriber = null;
                    s.onComplete();
                }
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    /** Everything was handed out after {@link #close()}: files and threads are released. */
    private void finish() {
        lock.lock();
        try {
            stopStore();
        } finally {
            lock.unlock();
        }
        worker.dispose();
    }

    private void stopStore() {
        if (syncTask != null) {
            syncTask.dispose();
        }
        store.close();
    }

    private boolean queueEmptyAndClosed() {
        lock.lock();
        try {
            return closed && store.waiting() == 0 && (unannounced == 0 || !emitGaps);
        } finally {
            lock.unlock();
        }
    }

    /** Records offered so far (delivered + dropped + depth). */
    public long offered() {
        return offered.get();
    }

    /** Records handed to the subscriber so far (gap records not counted). */
    public long delivered() {
        return delivered.get();
    }

    /** Records dropped so far, exactly. */
    public long dropped() {
        return dropped.get();
    }

    /** The part of {@link #dropped()} lost to a close or cancel (shutdown, reload). */
    public long droppedShutdown() {
        return droppedShutdown.get();
    }

    /** Records held now: waiting in the buffer plus handed to the sink and not yet settled. */
    public int depth() {
        lock.lock();
        try {
            if (settled != null) {
                settle();
            }
            return store.waiting() + held.count - heldGaps;
        } finally {
            lock.unlock();
        }
    }

    /** Estimated bytes held now in memory (waiting plus handed to the sink), counted as {@link #depth()}. */
    public long bytes() {
        lock.lock();
        try {
            if (settled != null) {
                settle();
            }
            return (store instanceof MemoryStore memory ? memory.bytes() : 0) + heldBytes;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Once the sink has stopped: counts the records it was handed and never settled as dropped
     * (reason shutdown), so nothing it held vanishes uncounted.
     *
     * @return how many were counted
     */
    public long abandonHeld() {
        if (settled == null) {
            return 0;
        }
        lock.lock();
        try {
            settle();
            long n = held.count - heldGaps;
            held.clear();
            heldGaps = 0;
            heldBytes = 0;
            dropped.addAndGet(n);
            droppedShutdown.addAndGet(n);
            return n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records a disk buffer read back at its start that had been handed out before the restart: the
     * sink may deliver them a second time. 0 for a memory buffer.
     */
    public long replayed() {
        return store instanceof DiskStore d ? d.replayed() : 0;
    }

    /** Corrupt regions a disk buffer found and cut off (their records are counted as dropped). */
    public long corrupted() {
        lock.lock();
        try {
            return store instanceof DiskStore d ? d.corrupted() : 0;
        } finally {
            lock.unlock();
        }
    }
}
