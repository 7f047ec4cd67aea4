package dev.logrouter.core.source;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.reactivestreams.Subscriber;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Operators;
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * A source's flux: what {@code Flux.create(emitter, BUFFER)} gives a source, without its queue on the
 * way of every record.
 *
 * <p>A record emitted while the subscriber has demand and nothing waits is handed to it at once, on
 * the emitting thread. Otherwise it waits in an unbounded queue until requested (sources keep that to
 * what one read brought in beyond the demand, by watching {@link Demand}). Emitting threads are
 * serialized: while one hands a record over, the others queue theirs and that one delivers them, in
 * the order they were queued. {@code error} and {@code complete} come after every queued record.
 *
 * <p>Cold: nothing runs before a subscriber comes; each subscription runs the emitter once, after
 * {@code onSubscribe}. Nothing is replayed. A cancel discards what is queued and runs the
 * {@link FluxSink#onCancel} then the {@link FluxSink#onDispose} hook; a terminal signal runs the
 * {@code onDispose} hook. A request of zero or less ends the subscription with
 * {@link IllegalArgumentException} (rule 3.9) and stops the source as a cancel does.
 *
 * <p>Why not {@code Flux.create}: it puts every record through a serializing sink and a queue, with
 * five atomic updates, even when the subscriber is waiting for it; that was a quarter of the fd
 * socket source's thread.
 */
public final class SourceFlux {

    private SourceFlux() {
    }

    /** A cold flux that runs {@code emitter} for each subscriber (see the class comment). */
    public static <T> Flux<T> create(Consumer<? super FluxSink<T>> emitter) {
        Objects.requireNonNull(emitter, "emitter");
        return Flux.from(subscriber -> {
            Objects.requireNonNull(subscriber, "subscriber (rule 1.9)");
            Emitter<T> sink = new Emitter<>(subscriber);
            subscriber.onSubscribe(sink);
            try {
                emitter.accept(sink);
            } catch (Throwable t) {
                Exceptions.throwIfFatal(t);
                sink.error(Operators.onOperatorError(t, sink.context()));
            }
        });
    }

    /** The sink a source emits into and the subscription its subscriber requests from. */
    static final class Emitter<T> implements FluxSink<T>, org.reactivestreams.Subscription {

        private final Subscriber<? super T> actual;
        /** Records waiting for demand or for another emitting thread to hand them over. */
        private final Queue<T> queue = Queues.<T>unboundedMultiproducer().get();
        /** Whoever raises it from 0 delivers; the others leave work for that one (the "missed" count). */
        private final AtomicInteger wip = new AtomicInteger();
        private final AtomicLong requested = new AtomicLong();
        private final Object hooks = new Object();
        private LongConsumer requestConsumer;
        private Disposable onCancel;
        private Disposable onDispose;
        private volatile boolean done;
        private Throwable error;
        private volatile Throwable badRequest;
        private volatile boolean cancelled;
        /** The subscriber got its terminal signal (set inside the delivery loop). */
        private volatile boolean terminated;

        Emitter(Subscriber<? super T> actual) {
            this.actual = actual;
        }

        Context context() {
            return actual instanceof CoreSubscriber<?> c ? c.currentContext() : Context.empty();
        }

        @Override
        public FluxSink<T> next(T t) {
            Objects.requireNonNull(t, "t");
            if (done || cancelled) {
                Operators.onDiscard(t, context());
                return this;
            }
            if (wip.get() == 0 && wip.compareAndSet(0, 1)) {
                long r = requested.get();
                if (r != 0 && queue.isEmpty() && badRequest == null) {
                    actual.onNext(t);
                    if (r != Long.MAX_VALUE) {
                        requested.decrementAndGet();
                    }
                } else {
                    queue.offer(t);
                }
                int missed = wip.decrementAndGet();
                if (missed != 0) {
                    deliver(missed);
                }
                return this;
            }
            queue.offer(t);
            drain();
            return this;
        }

        @Override
        public void complete() {
            if (done || cancelled) {
                return;
            }
            done = true;
            drain();
        }

        @Override
        public void error(Throwable e) {
            Objects.requireNonNull(e, "e");
            if (done || cancelled) {
                Operators.onErrorDropped(e, context());
                return;
            }
            error = e;
            done = true;
            drain();
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                if (badRequest == null) {
                    badRequest = new IllegalArgumentException("§3.9: request must be positive, was " + n);
                }
                drain();
                return;
            }
            LongConsumer c;
            synchronized (hooks) {
                requested.getAndUpdate(v -> Operators.addCap(v, n));
                c = requestConsumer;
            }
            if (c != null && !cancelled) {
                c.accept(n);
            }
            drain();
        }

        @Override
        public void cancel() {
            if (cancelled) {
                return;
            }
            cancelled = true;
            runHooks(true);
            drain();
        }

        /** Runs the hooks once: on a cancel {@code onCancel} then {@code onDispose}, else {@code onDispose}. */
        private void runHooks(boolean cancel) {
            Disposable c;
            Disposable d;
            synchronized (hooks) {
                c = cancel ? onCancel : null;
                d = onDispose;
                onCancel = null;
                onDispose = null;
            }
            if (c != null) {
                c.dispose();
            }
            if (d != null) {
                d.dispose();
            }
        }

        private void drain() {
            if (wip.getAndIncrement() == 0) {
                deliver(1);
            }
        }

        /** Hands over what is queued as far as requested, then a terminal signal; owns {@link #wip}. */
        private void deliver(int missed) {
            for (;;) {
                if (!terminated) {
                    deliverQueued();
                }
                missed = wip.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }

        private void deliverQueued() {
            if (cancelled) {
                queue.clear();
                return;
            }
            Throwable bad = badRequest;
            if (bad != null) {
                terminated = true;
                cancelled = true;
                queue.clear();
                runHooks(true);
                actual.onError(bad);
                return;
            }
            long r = requested.get();
            long e = 0;
            while (e != r) {
                if (cancelled) {
                    queue.clear();
                    return;
                }
                boolean d = done;
                T t = queue.poll();
                if (t == null) {
                    if (d) {
                        terminate();
                        return;
                    }
                    break;
                }
                actual.onNext(t);
                e++;
            }
            if (e == r && done && queue.isEmpty() && !cancelled) {
                terminate();
                return;
            }
            if (e != 0 && r != Long.MAX_VALUE) {
                requested.addAndGet(-e);
            }
        }

        private void terminate() {
            terminated = true;
            Throwable ex = error;
            try {
                if (ex != null) {
                    actual.onError(ex);
                } else {
                    actual.onComplete();
                }
            } finally {
                runHooks(false);
            }
        }

        @Override
        public FluxSink<T> onRequest(LongConsumer consumer) {
            Objects.requireNonNull(consumer, "onRequest");
            long initial;
            synchronized (hooks) {
                if (requestConsumer != null) {
                    throw new IllegalStateException("A consumer has already been assigned to consume requests");
                }
                requestConsumer = consumer;
                initial = requested.get();
            }
            if (initial > 0) {
                consumer.accept(initial);
            }
            return this;
        }

        /** A hook set more than once keeps every one. Set after the cancel, it runs at once. */
        @Override
        public FluxSink<T> onCancel(Disposable d) {
            Objects.requireNonNull(d, "onCancel");
            synchronized (hooks) {
                if (!cancelled) {
                    onCancel = onCancel == null ? d : Disposables.composite(onCancel, d);
                    return this;
                }
            }
            d.dispose();
            return this;
        }

        /** A hook set more than once keeps every one. Set after the end, it runs at once. */
        @Override
        public FluxSink<T> onDispose(Disposable d) {
            Objects.requireNonNull(d, "onDispose");
            synchronized (hooks) {
                if (!cancelled && !terminated) {
                    onDispose = onDispose == null ? d : Disposables.composite(onDispose, d);
                    return this;
                }
            }
            d.dispose();
            return this;
        }

        @Override
        public long requestedFromDownstream() {
            return requested.get();
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        @Deprecated
        public Context currentContext() {
            return context();
        }

        @Override
        public ContextView contextView() {
            return context();
        }
    }
}
