package dev.logrouter.core.sink;

import dev.logrouter.core.record.LogRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
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
 * record is delivered once. {@link #close()} completes the flux after what is buffered. Records go to
 * the subscriber up to {@value #DRAIN_BATCH} per lock (a pending gap record first), and
 * {@link #tryOffer(LogRecord[], int, int, Runnable)} takes many under one lock: producer and sink meet
 * on the lock once per batch, not once per record.
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
    /** Records (and a gap) taken for the subscriber under one lock: one hand-off per batch, not per record. */
    static final int DRAIN_BATCH = 128;

    private final String name;
    private final BufferSpec spec;
    private final boolean emitGaps;
    private final Scheduler.Worker worker;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final BufferStore store;
    private final Disposable syncTask;
    private volatile Consumer<List<LogRecord>> releaseListener;
    private volatile Predicate<LogRecord> releaseWanted;
    /** Entries handed out so far (records and gap records): the positions sinks acknowledge; under the lock. */
    private long handedOut;
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
    /** The drain's own (serialized by {@link #wip}): what {@link #take} took; a null entry is the gap. */
    private final LogRecord[] taken = new LogRecord[DRAIN_BATCH];
    private long takenGap;
    private boolean completeWhenTaken;
    private List<Runnable> roomToCall;

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
            public boolean keepsInFlight(LogRecord r) {
                if (releaseListener == null) {
                    return false;
                }
                Predicate<LogRecord> k = releaseWanted;
                return k == null || k.test(r);
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
        onRelease(listener, null);
    }

    /**
     * {@link #onRelease(Consumer)}, where only records {@code wanted} accepts (a source waits for them)
     * are told of once the sink has delivered them; records dropped here are told of all the same.
     * Records not wanted leave the buffer when handed to the sink: nothing keeps them for the listener.
     */
    public void onRelease(Consumer<List<LogRecord>> listener, Predicate<LogRecord> wanted) {
        this.releaseWanted = wanted;
        this.releaseListener = listener;
    }

    private void release(LogRecord r) {
        Consumer<List<LogRecord>> l = releaseListener;
        if (l != null) {
            l.accept(List.of(r));
        }
    }

    /**
     * The sink has delivered the first {@code received} entries of its flux (gap records included),
     * or is done with them: dropped and counted; see {@link DeliveryAck}. A position already
     * acknowledged is ignored. Thread-safe.
     */
    public void ack(long received) {
        List<Runnable> room = null;
        lock.lock();
        try {
            if (store.ack(received)) {
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
        boolean kept;
        lock.lock();
        try {
            kept = spec.whenFull() == WhenFull.BLOCK ? admitWaiting(r, size) : admitDropping(r, size);
        } finally {
            lock.unlock();
        }
        if (kept) {
            drainSoon();
        }
        return kept;
    }

    /** Under the lock, for {@link WhenFull#BLOCK}: waits until {@code r} fits (or the buffer closes), then stores it. */
    private boolean admitWaiting(LogRecord r, long size) {
        while (!closed && !cancelled && isFull(size)) {
            try {
                notFull.await(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return dropNewcomer(r);
            }
        }
        return admitStoring(r, size);
    }

    /** Under the lock, for the drop policies: makes room by dropping the oldest, or drops {@code r}; counted. */
    private boolean admitDropping(LogRecord r, long size) {
        if (closed || cancelled) {
            return dropAtShutdown();
        }
        while (isFull(size)) {
            // drop_oldest with everything held in flight in the sink: the newcomer goes instead
            if (spec.whenFull() == WhenFull.DROP_NEWEST || !store.dropOldest()) {
                return dropNewcomer(r);
            }
            dropped.incrementAndGet();
            unannounced++;
        }
        return store(r, size);
    }

    /** Under the lock: stores {@code r} unless the buffer is closed. */
    private boolean admitStoring(LogRecord r, long size) {
        return closed || cancelled ? dropAtShutdown() : store(r, size);
    }

    private boolean store(LogRecord r, long size) {
        return store.append(r, size) || dropNewcomer(r);
    }

    /** Under the lock: {@code r} is not kept (policy, or the store failed); counted and announced. */
    private boolean dropNewcomer(LogRecord r) {
        dropped.incrementAndGet();
        unannounced++;
        release(r);
        return false;
    }

    private boolean dropAtShutdown() {
        dropped.incrementAndGet();
        droppedShutdown.incrementAndGet();
        return false;
    }

    private void drainSoon() {
        if (subscriber != null) {
            drain(OFFER_DRAIN_DELAY_MICROS);
        }
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
        long size = store.sizeOf(r);
        Admission a;
        lock.lock();
        try {
            a = admitNow(r, size, onRoom);
        } finally {
            lock.unlock();
        }
        if (a == Admission.ACCEPTED) {
            drainSoon();
        }
        return a;
    }

    /**
     * {@link #tryOffer(LogRecord, Runnable)} for {@code records[from..to)} in order, under one lock: what a
     * source hands over at once. Stops at the first record a full {@link WhenFull#BLOCK} buffer does not
     * take (then {@code onRoom} runs once there is room, as for one record); every other record is taken
     * or dropped and counted as one offered alone would be.
     *
     * @return how many records from {@code from} on were taken or dropped; less than {@code to - from}
     *         only when the buffer was full under {@code block}
     */
    public int tryOffer(LogRecord[] records, int from, int to, Runnable onRoom) {
        if (to - from == 1) {
            // one record: the single-record way, sized before the lock
            return tryOffer(records[from], onRoom) == Admission.FULL ? 0 : 1;
        }
        int i = from;
        boolean accepted = false;
        lock.lock();
        try {
            for (; i < to; i++) {
                LogRecord r = records[i];
                // here, not before the lock: a disk store's append uses what sizeOf encoded on this thread
                Admission a = admitNow(r, store.sizeOf(r), onRoom);
                if (a == Admission.FULL) {
                    break;
                }
                accepted |= a == Admission.ACCEPTED;
            }
        } finally {
            lock.unlock();
        }
        if (accepted) {
            drainSoon();
        }
        return i - from;
    }

    /** Under the lock: {@link #tryOffer(LogRecord, Runnable)}'s decision; FULL registers {@code onRoom}. */
    private Admission admitNow(LogRecord r, long size, Runnable onRoom) {
        if (spec.whenFull() == WhenFull.BLOCK && onRoom != null && !closed && !cancelled && store.isFull(size, spec)) {
            roomWaiters.add(onRoom);
            return Admission.FULL;
        }
        offered.incrementAndGet();
        boolean kept = spec.whenFull() == WhenFull.BLOCK ? admitStoring(r, size) : admitDropping(r, size);
        return kept ? Admission.ACCEPTED : Admission.DROPPED;
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
            unhold(held.pollFirst());
            settledSeen++;
        }
        // settlements beyond what was handed over (none expected) are forgotten, never owed
        settledSeen = Math.max(settledSeen, s);
    }

    /** Under the lock: an entry taken off {@link #held}; 1 for a record, 0 for a gap. */
    private int unhold(int size) {
        if (size == GAP) {
            heldGaps--;
            return 0;
        }
        heldBytes -= size;
        return 1;
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
                    int n = take((int) Math.min(r - e, DRAIN_BATCH));
                    if (n == 0) {
                        if (completeWhenTaken) {
                            done = true;
                            finish();
                            subscriber = null;
                            s.onComplete();
                        }
                        break;
                    }
                    // on this worker already; before onNext, so producers refill while the sink writes
                    List<Runnable> room = roomToCall;
                    roomToCall = null;
                    runAll(room);
                    e += handOver(s, n);
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

    /**
     * Under one lock: the pending gap announcement (first: it covers drops before the records taken
     * with it) and up to {@code max} records in all, into {@link #taken}. Sets {@link #completeWhenTaken}
     * when nothing is left of a closed buffer and {@link #roomToCall} to the producers to resume.
     *
     * @return how many entries of {@link #taken} to hand over; the gap, if any, is entry 0 with
     *         {@link #takenGap} its count
     */
    private int take(int max) {
        int n = 0;
        takenGap = 0;
        completeWhenTaken = false;
        lock.lock();
        try {
            if (cancelled) {
                return 0;
            }
            if (unannounced > 0 && emitGaps) {
                takenGap = unannounced;
                unannounced = 0;
                taken[n++] = null;
                handedOut++;
                if (settled != null) {
                    held.addLast(GAP);
                    heldGaps++;
                }
            }
            while (n < max && (unannounced == 0 || !emitGaps)) {
                // a disk store that cuts off a corrupt region counts it here: the batch ends, so its gap
                // follows the record read after it as closely as one at a time
                LogRecord next = store.next(handedOut + 1);
                if (next == null) {
                    break;
                }
                handedOut++;
                taken[n++] = next;
                if (settled != null) {
                    int size = (int) Math.min(Integer.MAX_VALUE, store.sizeOf(next));
                    held.addLast(size);
                    heldBytes += size;
                }
            }
            if (n > (takenGap > 0 ? 1 : 0)) {
                notFull.signalAll();
                roomToCall = takeRoomWaiters();
            } else if (n == 0) {
                completeWhenTaken = closed;
            }
        } finally {
            lock.unlock();
        }
        return n;
    }

    /**
     * Hands {@code taken[0..n)} to the subscriber. A cancel stops it: the records not handed over are
     * no longer the sink's (taken off {@link #held}); a memory buffer counts them as dropped at shutdown,
     * a disk buffer keeps them (not acknowledged, so read again at the next start).
     *
     * @return how many were handed over
     */
    private int handOver(Subscriber<? super LogRecord> s, int n) {
        int i = 0;
        try {
            for (; i < n; i++) {
                if (cancelled) {
                    returnUnhanded(i, n);
                    break;
                }
                LogRecord next = taken[i];
                if (next == null) {
                    s.onNext(LogRecord.gap(LogRecord.now(), "sink " + name, takenGap));
                } else {
                    delivered.incrementAndGet();
                    s.onNext(next);
                }
            }
        } finally {
            Arrays.fill(taken, 0, n, null);
        }
        return i;
    }

    /** After a cancel: {@code taken[from..n)} never reached the sink. */
    private void returnUnhanded(int from, int n) {
        int records = 0;
        lock.lock();
        try {
            if (settled != null) {
                // the newest entries of held are these, in the same order; an abandonHeld that came first
                // has counted and cleared them already
                for (int j = from; j < n && held.count > 0; j++) {
                    records += unhold(held.pollLast());
                }
            } else {
                for (int j = from; j < n; j++) {
                    if (taken[j] != null) {
                        records++;
                    }
                }
            }
            if (store instanceof MemoryStore) {
                dropped.addAndGet(records);
                droppedShutdown.addAndGet(records);
            }
        } finally {
            lock.unlock();
        }
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
