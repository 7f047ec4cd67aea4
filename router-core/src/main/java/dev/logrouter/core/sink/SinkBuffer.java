package dev.logrouter.core.sink;

import dev.logrouter.core.record.LogRecord;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
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
    private final ArrayDeque<LogRecord> queue = new ArrayDeque<>();
    /** Estimated size of each queued record, in queue order: computed once per offer. */
    private final IntFifo sizes = new IntFifo();
    private long bytes;
    /** Drops not yet announced by a gap record. */
    private long unannounced;
    private boolean closed;

    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong requested = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile Subscriber<? super LogRecord> subscriber;
    private volatile boolean cancelled;
    private boolean done;

    /**
     * @param name     the sink's name, used in gap records
     * @param emitGaps whether drops are announced to the subscriber as gap records
     */
    public SinkBuffer(String name, BufferSpec spec, boolean emitGaps, Scheduler scheduler) {
        this.name = Objects.requireNonNull(name, "name");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.emitGaps = emitGaps;
        this.worker = scheduler.createWorker();
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
        long size = r.estimatedBytes();
        lock.lock();
        try {
            if (closed || cancelled) {
                dropped.incrementAndGet();
                return false;
            }
            while (isFull(size)) {
                switch (spec.whenFull()) {
                    case DROP_NEWEST:
                        dropped.incrementAndGet();
                        unannounced++;
                        return false;
                    case DROP_OLDEST:
                        queue.pollFirst();
                        bytes -= sizes.pollFirst();
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
                            return false;
                        }
                        if (closed || cancelled) {
                            dropped.incrementAndGet();
                            return false;
                        }
                }
            }
            queue.addLast(r);
            sizes.addLast((int) Math.min(Integer.MAX_VALUE, size));
            bytes += size;
        } finally {
            lock.unlock();
        }
        if (subscriber != null) {
            drain(OFFER_DRAIN_DELAY_MICROS);
        }
        return true;
    }

    private boolean isFull(long incoming) {
        return !queue.isEmpty() && (queue.size() >= spec.maxEvents() || bytes + incoming > spec.maxBytes());
    }

    /**
     * The records, for exactly one subscriber. See the class comment for backpressure and replay.
     */
    public Flux<LogRecord> flux() {
        return Flux.from((Subscriber<? super LogRecord> s) -> {
            lock.lock();
            try {
                if (subscriber != null) {
                    Operators.error(s, new IllegalStateException("sink buffer '" + name + "' allows one subscriber"));
                    return;
                }
                subscriber = s;
            } finally {
                lock.unlock();
            }
            s.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {
                    if (!Operators.validate(n)) {
                        s.onError(Exceptions.nullOrNegativeRequestException(n));
                        return;
                    }
                    requested.getAndUpdate(v -> Operators.addCap(v, n));
                    drain();
                }

                @Override
                public void cancel() {
                    cancelled = true;
                    lock.lock();
                    try {
                        long n = queue.size();
                        dropped.addAndGet(n);
                        queue.clear();
                        sizes.clear();
                        bytes = 0;
                        notFull.signalAll();
                    } finally {
                        lock.unlock();
                    }
                    worker.dispose();
                }
            });
        });
    }

    /** No more offers: the flux completes once what is buffered is delivered. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
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
            if (!done) {
                long r = requested.get();
                long e = 0;
                while (e != r && !cancelled) {
                    LogRecord next;
                    long gap = 0;
                    boolean complete = false;
                    lock.lock();
                    try {
                        if (unannounced > 0 && emitGaps) {
                            gap = unannounced;
                            unannounced = 0;
                            next = null;
                        } else {
                            next = queue.pollFirst();
                            if (next != null) {
                                bytes -= sizes.pollFirst();
                                notFull.signal();
                            } else {
                                complete = closed;
                            }
                        }
                    } finally {
                        lock.unlock();
                    }
                    if (gap > 0) {
                        s.onNext(LogRecord.gap(LogRecord.now(), "sink " + name, gap));
                    } else if (next != null) {
                        delivered.incrementAndGet();
                        s.onNext(next);
                    } else {
                        if (complete) {
                            done = true;
                            worker.dispose();
                            s.onComplete();
                        }
                        break;
                    }
                    e++;
                }
                if (e != 0 && r != Long.MAX_VALUE) {
                    requested.addAndGet(-e);
                }
                if (!done && e == r && queueEmptyAndClosed()) {
                    done = true;
                    worker.dispose();
                    s.onComplete();
                }
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private boolean queueEmptyAndClosed() {
        lock.lock();
        try {
            return closed && queue.isEmpty() && (unannounced == 0 || !emitGaps);
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

    /** Records waiting in the buffer now. */
    public int depth() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** A growable FIFO of ints, so record sizes are kept without boxing. Not thread-safe. */
    private static final class IntFifo {
        private int[] items = new int[64];
        private int head;
        private int count;

        void addLast(int v) {
            if (count == items.length) {
                int[] bigger = new int[items.length * 2];
                for (int i = 0; i < count; i++) {
                    bigger[i] = items[(head + i) % items.length];
                }
                items = bigger;
                head = 0;
            }
            items[(head + count) % items.length] = v;
            count++;
        }

        int pollFirst() {
            int v = items[head];
            head = (head + 1) % items.length;
            count--;
            return v;
        }

        void clear() {
            head = 0;
            count = 0;
        }
    }
}
