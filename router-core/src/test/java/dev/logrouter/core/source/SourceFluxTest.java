package dev.logrouter.core.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.FluxSink;
import reactor.test.StepVerifier;

class SourceFluxTest {

    @Test
    void whatWaitsForDemandComesFirstThenTheEnd() {
        AtomicReference<FluxSink<Integer>> sink = new AtomicReference<>();
        StepVerifier.create(SourceFlux.<Integer>create(sink::set), 0)
                .then(() -> {
                    for (int i = 1; i <= 5; i++) {
                        sink.get().next(i);
                    }
                    sink.get().complete();
                    sink.get().next(6); // after the end: dropped
                })
                .expectNoEvent(Duration.ofMillis(20))
                .thenRequest(2)
                .expectNext(1, 2)
                .thenRequest(10)
                .expectNext(3, 4, 5)
                .verifyComplete();
    }

    @Test
    void anErrorComesAfterWhatWasQueued() {
        StepVerifier.create(SourceFlux.<Integer>create(s -> {
            s.next(1);
            s.next(2);
            s.error(new IllegalStateException("boom"));
        }), 1)
                .expectNext(1)
                .thenRequest(1)
                .expectNext(2)
                .verifyErrorMessage("boom");
    }

    @Test
    void cancelRunsOnCancelThenOnDisposeOnceAndHooksSetLaterRunAtOnce() {
        List<String> ran = new ArrayList<>();
        AtomicReference<FluxSink<Integer>> sink = new AtomicReference<>();
        reactor.core.Disposable subscription = SourceFlux.<Integer>create(s -> {
            sink.set(s);
            s.onDispose(() -> ran.add("dispose"));
            s.onCancel(() -> ran.add("cancel"));
            s.onCancel(() -> ran.add("cancel 2"));
        }).subscribe();
        assertThat(ran).isEmpty();
        subscription.dispose();
        subscription.dispose();
        assertThat(ran).containsExactly("cancel", "cancel 2", "dispose");
        assertThat(sink.get().isCancelled()).isTrue();
        sink.get().onDispose(() -> ran.add("late"));
        assertThat(ran).containsExactly("cancel", "cancel 2", "dispose", "late");
    }

    @Test
    void theEndRunsOnDisposeNotOnCancel() {
        List<String> ran = new ArrayList<>();
        StepVerifier.create(SourceFlux.<Integer>create(s -> {
            s.onCancel(() -> ran.add("cancel"));
            s.onDispose(() -> { ran.add("dispose"); new Throwable("DBG dispose").printStackTrace(System.out); });
            s.complete();
        })).verifyComplete();
        assertThat(ran).containsExactly("dispose");
    }

    @Test
    void aRequestConsumerHearsWhatWasRequestedBeforeAndAfterItCame() {
        List<Long> heard = new ArrayList<>();
        AtomicReference<FluxSink<Integer>> sink = new AtomicReference<>();
        StepVerifier.create(SourceFlux.<Integer>create(sink::set), 3)
                .then(() -> sink.get().onRequest(heard::add))
                .thenRequest(4)
                .then(() -> assertThat(heard).containsExactly(3L, 4L))
                .thenCancel()
                .verify();
    }

    /**
     * Four threads emit at once while the subscriber requests in small, uneven steps (some from inside
     * onNext): every record arrives once, each thread's in its order, never beyond the demand.
     */
    @Test
    void concurrentEmittersAreSerializedAndNeverExceedTheDemand() throws Exception {
        for (int iteration = 0; iteration < 20; iteration++) {
            int producers = 4;
            int each = 5_000;
            AtomicReference<FluxSink<long[]>> sinkRef = new AtomicReference<>();
            AtomicLong outstanding = new AtomicLong();
            AtomicLong overrun = new AtomicLong();
            AtomicReferenceArray<Long> last = new AtomicReferenceArray<>(producers);
            AtomicLong outOfOrder = new AtomicLong();
            AtomicLong received = new AtomicLong();
            CountDownLatch done = new CountDownLatch(1);
            AtomicReference<Subscription> subscription = new AtomicReference<>();
            SourceFlux.<long[]>create(sinkRef::set).subscribe(new CoreSubscriber<>() {
                @Override
                public void onSubscribe(Subscription s) {
                    subscription.set(s);
                    outstanding.addAndGet(3);
                    s.request(3);
                }

                @Override
                public void onNext(long[] v) {
                    if (outstanding.decrementAndGet() < 0) {
                        overrun.incrementAndGet();
                    }
                    Long prev = last.get((int) v[0]);
                    if (prev != null && prev + 1 != v[1]) {
                        outOfOrder.incrementAndGet();
                    }
                    last.set((int) v[0], v[1]);
                    if (received.incrementAndGet() % 7 == 0) {
                        outstanding.addAndGet(5);
                        subscription.get().request(5);
                    }
                }

                @Override
                public void onError(Throwable t) {
                    done.countDown();
                }

                @Override
                public void onComplete() {
                    done.countDown();
                }
            });
            FluxSink<long[]> sink = sinkRef.get();
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                long id = p;
                Thread t = new Thread(() -> {
                    for (long i = 0; i < each; i++) {
                        sink.next(new long[] {id, i});
                    }
                });
                threads.add(t);
                t.start();
            }
            // a requester of its own, so demand also arrives from outside onNext
            Thread requester = new Thread(() -> {
                while (received.get() < (long) producers * each && done.getCount() > 0) {
                    outstanding.addAndGet(2);
                    subscription.get().request(2);
                    Thread.onSpinWait();
                }
            });
            requester.start();
            for (Thread t : threads) {
                t.join();
            }
            sink.complete();
            assertThat(done.await(30, TimeUnit.SECONDS)).as("completed").isTrue();
            requester.join();
            assertThat(received.get()).isEqualTo((long) producers * each);
            assertThat(overrun.get()).as("records beyond the demand").isZero();
            assertThat(outOfOrder.get()).as("records out of their thread's order").isZero();
        }
    }
}
