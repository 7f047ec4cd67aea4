package dev.logrouter.core.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.testsupport.RawSubscription;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The Reactive Streams rules {@link SinkBuffer#flux()} keeps, seen by a subscriber that talks to its
 * subscription directly (as Reactor's operators do): signals only after {@code onSubscribe} returns
 * (1.3), and {@code request(n <= 0)} ends the subscription with one {@code onError} (3.9), its
 * buffered records counted as dropped.
 */
class SinkBufferSubscriptionTest {

    private final Scheduler scheduler = Schedulers.newBoundedElastic(4, 1000, "sink-sub-test");

    @AfterEach
    void dispose() {
        scheduler.dispose();
    }

    private SinkBuffer buffer(int records) {
        SinkBuffer b = new SinkBuffer("t", new BufferSpec(1000, 1L << 20, WhenFull.DROP_NEWEST), false, scheduler);
        for (int i = 0; i < records; i++) {
            b.offer(LogRecord.of(i, "t", "svc", "stdout", Level.INFO, "record " + i));
        }
        return b;
    }

    /** Records signals; {@code onSubscribe} runs {@code inOnSubscribe}. */
    private static final class Recorder implements Subscriber<LogRecord> {
        final List<LogRecord> next = new CopyOnWriteArrayList<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final CountDownLatch terminated = new CountDownLatch(1);
        final AtomicBoolean nextAfterError = new AtomicBoolean();
        final AtomicBoolean insideOnSubscribe = new AtomicBoolean();
        final AtomicBoolean nextInsideOnSubscribe = new AtomicBoolean();
        final CountDownLatch firstNext = new CountDownLatch(1);
        volatile Subscription subscription;
        private final java.util.function.Consumer<Recorder> inOnSubscribe;

        Recorder(java.util.function.Consumer<Recorder> inOnSubscribe) {
            this.inOnSubscribe = inOnSubscribe;
        }

        @Override
        public void onSubscribe(Subscription s) {
            insideOnSubscribe.set(true);
            subscription = s;
            inOnSubscribe.accept(this);
            insideOnSubscribe.set(false);
        }

        @Override
        public void onNext(LogRecord r) {
            if (insideOnSubscribe.get()) {
                nextInsideOnSubscribe.set(true);
            }
            if (error.get() != null) {
                nextAfterError.set(true);
            }
            next.add(r);
            firstNext.countDown();
        }

        @Override
        public void onError(Throwable t) {
            error.set(t);
            terminated.countDown();
        }

        @Override
        public void onComplete() {
            terminated.countDown();
        }
    }

    @Test
    void nothingIsSignalledBeforeOnSubscribeReturns() throws Exception {
        SinkBuffer b = buffer(5);
        b.close();
        // onSubscribe requests everything and then gives the buffer time to (wrongly) deliver at once
        Recorder r = new Recorder(self -> {
            self.subscription.request(Long.MAX_VALUE);
            try {
                self.firstNext.await(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        RawSubscription.of(b.flux()).subscribe(r);
        assertThat(r.terminated.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(r.nextInsideOnSubscribe).as("onNext while onSubscribe had not returned (rule 1.3)").isFalse();
        assertThat(r.next).hasSize(5);
        assertThat(r.error.get()).isNull();
    }

    @Test
    void requestOfZeroEndsTheSubscriptionWithOneErrorAndCountsWhatWasBuffered() throws Exception {
        SinkBuffer b = buffer(10);
        Recorder r = new Recorder(self -> self.subscription.request(2));
        RawSubscription.of(b.flux()).subscribe(r);
        assertThat(r.firstNext.await(10, TimeUnit.SECONDS)).isTrue();
        long t0 = System.nanoTime();
        while (r.next.size() < 2 && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10)) {
            Thread.onSpinWait();
        }
        assertThat(r.next).hasSize(2);
        r.subscription.request(0);
        r.subscription.request(5); // after the bad request: must not revive the subscription
        assertThat(r.terminated.await(10, TimeUnit.SECONDS)).as("onError after request(0)").isTrue();
        assertThat(r.error.get()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3.9");
        assertThat(r.nextAfterError).isFalse();
        // the subscription is over: the 8 records it never took are counted, new ones are refused
        assertThat(b.dropped()).isEqualTo(8);
        assertThat(b.droppedShutdown()).isEqualTo(8);
        assertThat(b.offer(LogRecord.of(99, "t", "svc", "stdout", Level.INFO, "late"))).isFalse();
        assertThat(r.next).hasSize(2);
        assertThat(b.delivered() + b.dropped()).isEqualTo(b.offered());
    }
}
