package dev.logrouter.core.sink;

import dev.logrouter.core.testsupport.TestSpecs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class SinkBufferTest {

    private final Scheduler scheduler = Schedulers.newBoundedElastic(4, 1000, "sink-test");

    @AfterEach
    void dispose() {
        scheduler.dispose();
    }

    private static LogRecord rec(String msg) {
        return LogRecord.of(LogRecord.now(), "t", "svc", "stdout", Level.INFO, msg);
    }

    @Test
    void recordsBeforeTheFirstSubscriberAreKeptThenDelivered() {
        SinkBuffer b = new SinkBuffer("s", new BufferSpec(10, 1 << 20, WhenFull.DROP_OLDEST), true, scheduler);
        b.offer(rec("a"));
        b.offer(rec("b"));
        b.close();
        StepVerifier.create(b.flux().map(LogRecord::msg)).expectNext("a", "b").verifyComplete();
        assertThat(b.delivered()).isEqualTo(2);
        assertThat(b.dropped()).isZero();
    }

    @Test
    void dropOldestKeepsTheNewestAndAnnouncesTheExactCount() {
        SinkBuffer b = new SinkBuffer("s", new BufferSpec(3, 1 << 20, WhenFull.DROP_OLDEST), true, scheduler);
        for (int i = 1; i <= 10; i++) {
            assertThat(b.offer(rec("m" + i))).isTrue();
        }
        b.close();
        List<LogRecord> got = new ArrayList<>();
        StepVerifier.create(b.flux()).recordWith(() -> got).expectNextCount(4).verifyComplete();
        assertThat(got.get(0).isGap()).isTrue();
        assertThat(got.get(0).lost()).isEqualTo(7);
        assertThat(got.get(0).fields()).containsEntry("where", "sink s");
        assertThat(got.subList(1, 4)).extracting(LogRecord::msg).containsExactly("m8", "m9", "m10");
        assertThat(b.dropped()).isEqualTo(7);
        assertThat(b.offered()).isEqualTo(10);
    }

    @Test
    void dropNewestKeepsTheOldest() {
        SinkBuffer b = new SinkBuffer("s", new BufferSpec(3, 1 << 20, WhenFull.DROP_NEWEST), false, scheduler);
        int accepted = 0;
        for (int i = 1; i <= 10; i++) {
            accepted += b.offer(rec("m" + i)) ? 1 : 0;
        }
        b.close();
        assertThat(accepted).isEqualTo(3);
        StepVerifier.create(b.flux().map(LogRecord::msg)).expectNext("m1", "m2", "m3").verifyComplete();
        assertThat(b.dropped()).isEqualTo(7);
    }

    @Test
    void byteBoundCountsToo() {
        SinkBuffer b = new SinkBuffer("s", new BufferSpec(1000, 2000, WhenFull.DROP_OLDEST), false, scheduler);
        for (int i = 0; i < 50; i++) {
            b.offer(rec("x".repeat(300)));
        }
        assertThat(b.depth()).isBetween(1, 5);
        assertThat(b.depth() + b.dropped()).isEqualTo(50);
    }

    @Test
    void deliversOnlyWhatIsRequested() {
        SinkBuffer b = new SinkBuffer("s", new BufferSpec(100, 1 << 20, WhenFull.DROP_OLDEST), true, scheduler);
        for (int i = 1; i <= 5; i++) {
            b.offer(rec("m" + i));
        }
        StepVerifier.create(b.flux().map(LogRecord::msg), 2)
                .expectNext("m1", "m2")
                .then(() -> assertThat(b.depth()).isEqualTo(3))
                .thenRequest(3)
                .expectNext("m3", "m4", "m5")
                .then(b::close)
                .verifyComplete();
    }

    @Test
    void blockWaitsForRoomInsteadOfDropping() throws Exception {
        SinkBuffer b = new SinkBuffer("s", new BufferSpec(2, 1 << 20, WhenFull.BLOCK), true, scheduler);
        b.offer(rec("1"));
        b.offer(rec("2"));
        AtomicBoolean thirdDone = new AtomicBoolean();
        Thread producer = new Thread(() -> {
            b.offer(rec("3"));
            thirdDone.set(true);
        });
        producer.start();
        // the producer parks in offer: the buffer is full and nothing takes from it
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> producer.getState() == Thread.State.WAITING
                        || producer.getState() == Thread.State.TIMED_WAITING);
        assertThat(thirdDone).isFalse();
        List<String> got = new ArrayList<>();
        CountDownLatch three = new CountDownLatch(3);
        b.flux().subscribe(r -> {
            got.add(r.msg());
            three.countDown();
        });
        assertThat(three.await(5, TimeUnit.SECONDS)).isTrue();
        producer.join(5000);
        assertThat(thirdDone).isTrue();
        assertThat(got).containsExactly("1", "2", "3");
        assertThat(b.dropped()).isZero();
    }

    @Test
    void secondSubscriberIsRejected() {
        SinkBuffer b = new SinkBuffer("s", TestSpecs.BUFFER, true, scheduler);
        b.flux().subscribe();
        StepVerifier.create(b.flux()).expectError(IllegalStateException.class).verify(Duration.ofSeconds(2));
    }

    @RepeatedTest(3)
    void concurrentProducersWithASlowConsumerReconcileExactly() throws Exception {
        SinkBuffer b = new SinkBuffer("s", new BufferSpec(500, 1 << 24, WhenFull.DROP_OLDEST), true, scheduler);
        AtomicLong received = new AtomicLong();
        AtomicLong announced = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        b.flux().subscribe(r -> {
            if (r.isGap()) {
                announced.addAndGet(r.lost());
            } else if (received.incrementAndGet() % 512 == 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(100_000);
            }
        }, e -> { }, done::countDown);
        int producers = 4;
        int each = 50_000;
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            Thread t = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    b.offer(rec("m"));
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        b.close();
        assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(received.get() + b.dropped()).isEqualTo((long) producers * each);
        assertThat(announced.get()).isEqualTo(b.dropped());
        assertThat(b.delivered()).isEqualTo(received.get());
    }
}
