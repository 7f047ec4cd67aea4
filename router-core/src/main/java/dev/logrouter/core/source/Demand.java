package dev.logrouter.core.source;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.FluxSink;

/**
 * The subscriber's demand on a source's {@link FluxSink}, as a source reading sockets, pipes or a
 * device needs it: whether to read on, and a signal when it may read again.
 *
 * <p>The router requests records from a source a batch at a time and stops requesting while a sink
 * with {@code when_full: block} is full (see {@code Router}). A source then stops reading its input
 * instead of queueing records in the flux: an event loop turns reading off and back on when
 * {@link #whenAvailable} calls it, a thread of its own waits ({@link #await()}). What a read already brought in
 * is still emitted (the flux buffers it: at most one read per connection or fd beyond the demand).
 * Every waiter is released when demand arrives or the flux is cancelled; nothing polls.
 */
public final class Demand<T> {

    private final FluxSink<T> sink;
    /** Requested so far (capped: {@link Long#MAX_VALUE} is unbounded) and emitted through {@link #next}. */
    private final java.util.concurrent.atomic.AtomicLong requested = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong emitted = new java.util.concurrent.atomic.AtomicLong();
    /** Guards {@link #waiters}; a monitor, held for a few instructions, also on event loops. */
    private final Object lock = new Object();
    private final List<Runnable> waiters = new ArrayList<>();
    private volatile boolean cancelled;

    private Demand(FluxSink<T> sink) {
        this.sink = sink;
    }

    /**
     * Watches {@code sink}'s demand. Takes the sink's {@link FluxSink#onRequest} slot; adds an
     * {@link FluxSink#onCancel} hook that releases waiters.
     */
    public static <T> Demand<T> of(FluxSink<T> sink) {
        Demand<T> d = new Demand<>(sink);
        sink.onRequest(n -> {
            d.requested.getAndUpdate(v -> reactor.core.publisher.Operators.addCap(v, n));
            d.signal();
        });
        sink.onCancel(() -> {
            d.cancelled = true;
            d.signal();
        });
        return d;
    }

    /**
     * Emits {@code value}, counted against the demand. (The flux's own figure would not do: a request
     * is announced before the flux hands over what it queued, so it would overstate the demand.)
     */
    public void next(T value) {
        emitted.incrementAndGet();
        sink.next(value);
    }

    /**
     * True when the subscriber wants more than was emitted through {@link #next} (or is gone: then
     * nothing is worth holding back).
     */
    public boolean has() {
        long r = requested.get();
        return cancelled || r == Long.MAX_VALUE || r - emitted.get() > 0;
    }

    /**
     * Runs {@code r} once, when there is demand: at once (on this thread) if there is some now, else
     * on the thread that requests (or cancels). {@code r} must not block.
     */
    public void whenAvailable(Runnable r) {
        synchronized (lock) {
            if (!has()) {
                waiters.add(r);
                return;
            }
        }
        r.run();
    }

    /** For a source's own thread: waits until there is demand; returns at once when there is. */
    public void await() throws InterruptedException {
        if (has()) {
            return;
        }
        synchronized (lock) {
            while (!has()) {
                lock.wait();
            }
        }
    }

    /**
     * {@code in}, reading only while there is demand: each read first {@link #await}s, so a thread
     * reading a child's pipe leaves the pipe full (the child's writes block) instead of queueing.
     */
    public InputStream gate(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                pause();
                return super.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                pause();
                return super.read(b, off, len);
            }

            private void pause() throws IOException {
                try {
                    await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("stopped while waiting for demand");
                }
            }
        };
    }

    /** Releases every waiter for good, as a cancel does: for a source that stops its own threads. */
    public void release() {
        cancelled = true;
        signal();
    }

    private void signal() {
        List<Runnable> run;
        synchronized (lock) {
            lock.notifyAll();
            if (waiters.isEmpty() || !has()) {
                return;
            }
            run = new ArrayList<>(waiters);
            waiters.clear();
        }
        for (Runnable r : run) {
            r.run();
        }
    }
}
