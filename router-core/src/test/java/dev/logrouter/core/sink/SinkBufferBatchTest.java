package dev.logrouter.core.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.testsupport.Conditions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * Records offered many at a time ({@link SinkBuffer#tryOffer(LogRecord[], int, int, Runnable)}) and handed to
 * the subscriber many per lock: the same counts, order and gap announcements as one at a time.
 */
class SinkBufferBatchTest {

    private final Scheduler scheduler = Schedulers.newBoundedElastic(4, 1000, "sink-batch-test");

    @AfterEach
    void dispose() {
        scheduler.dispose();
    }

    private static LogRecord rec(int i) {
        return LogRecord.of(LogRecord.now(), "t", "svc", "stdout", Level.INFO, Integer.toString(i));
    }

    private static LogRecord[] recs(int from, int n) {
        LogRecord[] a = new LogRecord[n];
        for (int i = 0; i < n; i++) {
            a[i] = rec(from + i);
        }
        return a;
    }

    private static int num(LogRecord r) {
        return Integer.parseInt(r.msg());
    }

    @Test
    void aBatchUnderDropNewestKeepsWhatFitsAndAnnouncesTheExactRestBeforeTheFirstRecord() {
        SinkBuffer b = new SinkBuffer("s", new BufferSpec(10, 1 << 20, WhenFull.DROP_NEWEST), true, scheduler);
        LogRecord[] batch = recs(0, 25);
        assertThat(b.tryOffer(batch, 5, 25, null)).isEqualTo(20);
        b.close();
        List<LogRecord> got = new ArrayList<>();
        StepVerifier.create(b.flux()).recordWith(() -> got).expectNextCount(11).verifyComplete();
        assertThat(got.get(0).isGap()).isTrue();
        assertThat(got.get(0).lost()).isEqualTo(10);
        assertThat(got.subList(1, 11)).extracting(SinkBufferBatchTest::num).containsExactly(5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
        assertThat(b.offered()).isEqualTo(20);
        assertThat(b.dropped()).isEqualTo(10);
        assertThat(b.delivered()).isEqualTo(10);
    }

    @Test
    void aBatchUnderDropOldestKeepsTheNewestAndCountsEveryDrop() {
        SinkBuffer b = new SinkBuffer("s", new BufferSpec(3, 1 << 20, WhenFull.DROP_OLDEST), true, scheduler);
        assertThat(b.tryOffer(recs(0, 10), 0, 10, null)).isEqualTo(10);
        b.close();
        List<LogRecord> got = new ArrayList<>();
        StepVerifier.create(b.flux()).recordWith(() -> got).expectNextCount(4).verifyComplete();
        assertThat(got.get(0).lost()).isEqualTo(7);
        assertThat(got.subList(1, 4)).extracting(SinkBufferBatchTest::num).containsExactly(7, 8, 9);
        assertThat(b.dropped()).isEqualTo(7);
        assertThat(b.offered()).isEqualTo(10);
    }

    @Test
    void aBatchUnderBlockTakesWhatFitsAndCallsBackOnceThereIsRoom() {
        SinkBuffer b = new SinkBuffer("s", new BufferSpec(4, 1 << 20, WhenFull.BLOCK), true, scheduler);
        LogRecord[] batch = recs(0, 10);
        AtomicInteger calls = new AtomicInteger();
        assertThat(b.tryOffer(batch, 0, 10, calls::incrementAndGet)).isEqualTo(4);
        assertThat(b.offered()).isEqualTo(4);
        assertThat(calls.get()).isZero();
        List<Integer> got = new CopyOnWriteArrayList<>();
        b.flux().subscribe(new BaseSubscriber<LogRecord>() {
            @Override
            protected void hookOnSubscribe(Subscription s) {
                s.request(2);
            }

            @Override
            protected void hookOnNext(LogRecord r) {
                got.add(num(r));
            }
        });
        // the room callback runs before the records are handed over: wait for both
        Conditions.await(() -> calls.get() == 1 && got.size() == 2);
        assertThat(got).containsExactly(0, 1);
        assertThat(b.tryOffer(batch, 4, 10, calls::incrementAndGet)).isEqualTo(2);
        assertThat(b.dropped()).isZero();
        b.close();
        // closed: the rest is taken and counted as dropped, nothing waits for room any more
        assertThat(b.tryOffer(batch, 6, 10, calls::incrementAndGet)).isEqualTo(4);
        assertThat(b.dropped()).isEqualTo(4);
        assertThat(b.droppedShutdown()).isEqualTo(4);
        assertThat(b.offered()).isEqualTo(10);
    }

    /** A subscriber that cancels inside onNext after {@code after} records, all requested at once. */
    private static final class CancelAfter extends BaseSubscriber<LogRecord> {
        final int after;
        final AtomicInteger got = new AtomicInteger();

        CancelAfter(int after) {
            this.after = after;
        }

        @Override
        protected void hookOnNext(LogRecord r) {
            if (got.incrementAndGet() == after) {
                cancel();
            }
        }
    }

    @Test
    void recordsTakenForTheSubscriberButNotHandedOverBeforeItCancelledAreCountedAsDropped() {
        SinkBuffer b = new SinkBuffer("s", new BufferSpec(1000, 1 << 20, WhenFull.DROP_OLDEST), true, scheduler);
        assertThat(b.tryOffer(recs(0, 100), 0, 100, null)).isEqualTo(100);
        CancelAfter s = new CancelAfter(3);
        b.flux().subscribe(s);
        Conditions.await(() -> b.delivered() + b.dropped() == 100);
        assertThat(s.got.get()).isEqualTo(3);
        assertThat(b.delivered()).isEqualTo(3);
        assertThat(b.dropped()).isEqualTo(97);
        assertThat(b.droppedShutdown()).isEqualTo(97);
        assertThat(b.depth()).isZero();
    }

    @Test
    void withSettlementsTheCancelledRestIsCountedOnceAndWhatTheSinkHeldByAbandonHeld() {
        AtomicLong settled = new AtomicLong();
        SinkBuffer b = new SinkBuffer("s", new BufferSpec(1000, 1 << 20, WhenFull.DROP_OLDEST), true, scheduler,
                settled::get);
        b.tryOffer(recs(0, 100), 0, 100, null);
        CancelAfter s = new CancelAfter(5);
        b.flux().subscribe(s);
        Conditions.await(() -> b.delivered() + b.dropped() == 100);
        assertThat(b.dropped()).isEqualTo(95);
        // the 5 handed over are the sink's, unsettled: held, then counted once the sink is gone
        assertThat(b.depth()).isEqualTo(5);
        settled.set(2);
        assertThat(b.abandonHeld()).isEqualTo(3);
        assertThat(b.dropped()).isEqualTo(98);
        assertThat(b.depth()).isZero();
    }

    @RepeatedTest(5)
    void aCancelFromAnotherThreadWhileRecordsFlowLosesNoneUncounted() throws Exception {
        for (int round = 0; round < 40; round++) {
            SinkBuffer b = new SinkBuffer("s", new BufferSpec(100_000, 1 << 26, WhenFull.DROP_OLDEST), true, scheduler);
            AtomicLong received = new AtomicLong();
            AtomicBoolean go = new AtomicBoolean();
            BaseSubscriber<LogRecord> s = new BaseSubscriber<>() {
                @Override
                protected void hookOnNext(LogRecord r) {
                    received.incrementAndGet();
                }
            };
            b.flux().subscribe(s);
            int n = 20_000;
            Thread producer = new Thread(() -> {
                LogRecord[] batch = recs(0, 64);
                for (int sent = 0; sent < n; sent += 64) {
                    if (sent == 4096) {
                        go.set(true);
                    }
                    b.tryOffer(batch, 0, 64, null);
                }
            });
            producer.start();
            while (!go.get()) {
                Thread.onSpinWait();
            }
            s.cancel();
            producer.join(20_000);
            assertThat(producer.isAlive()).isFalse();
            long offered = b.offered();
            Conditions.await(() -> b.delivered() + b.dropped() == offered, Duration.ofSeconds(20),
                    () -> "delivered " + b.delivered() + " + dropped " + b.dropped() + " of " + offered);
            assertThat(offered).isEqualTo(20_032);
            assertThat(received.get()).isEqualTo(b.delivered());
        }
    }

    /**
     * With drop_oldest and one producer the records dropped between two records the sink receives are exactly
     * the numbers missing between them, and each gap record comes before the next record, never after it.
     */
    @RepeatedTest(3)
    void underDropOldestTheGapsBetweenTwoRecordsCountExactlyTheRecordsMissingBetweenThem() throws Exception {
        SinkBuffer b = new SinkBuffer("s", new BufferSpec(50, 1 << 20, WhenFull.DROP_OLDEST), true, scheduler);
        int n = 200_000;
        List<String> errors = new CopyOnWriteArrayList<>();
        AtomicLong announced = new AtomicLong();
        AtomicLong received = new AtomicLong();
        AtomicBoolean complete = new AtomicBoolean();
        b.flux().subscribe(new BaseSubscriber<LogRecord>() {
            int last = -1;
            long gapsSinceLast;

            @Override
            protected void hookOnNext(LogRecord r) {
                if (r.isGap()) {
                    gapsSinceLast += r.lost();
                    announced.addAndGet(r.lost());
                    return;
                }
                int i = num(r);
                if (i - last - 1 != gapsSinceLast && errors.size() < 10) {
                    errors.add("after " + last + " came " + i + " with gaps announcing " + gapsSinceLast);
                }
                last = i;
                gapsSinceLast = 0;
                if (received.incrementAndGet() % 1024 == 0) {
                    LockSupport.parkNanos(50_000);
                }
            }

            @Override
            protected void hookOnComplete() {
                complete.set(true);
            }
        });
        Thread producer = new Thread(() -> {
            for (int i = 0; i < n; i += 100) {
                b.tryOffer(recs(i, 100), 0, 100, null);
            }
        });
        producer.start();
        producer.join(30_000);
        b.close();
        Conditions.await(complete::get, Duration.ofSeconds(30), () -> "received " + received.get());
        assertThat(errors).isEmpty();
        assertThat(received.get() + b.dropped()).isEqualTo(n);
        assertThat(announced.get()).isEqualTo(b.dropped());
    }

    /** A block buffer fed in batches by a producer that waits for the room callback: all arrive, in order. */
    @RepeatedTest(3)
    void batchesPausedByAFullBlockBufferArriveCompleteAndInOrder() throws Exception {
        SinkBuffer b = new SinkBuffer("s", new BufferSpec(37, 1 << 20, WhenFull.BLOCK), true, scheduler);
        int n = 100_000;
        List<String> errors = new CopyOnWriteArrayList<>();
        AtomicLong received = new AtomicLong();
        AtomicBoolean complete = new AtomicBoolean();
        b.flux().subscribe(new BaseSubscriber<LogRecord>() {
            @Override
            protected void hookOnSubscribe(Subscription s) {
                s.request(16);
            }

            @Override
            protected void hookOnNext(LogRecord r) {
                long expected = received.getAndIncrement();
                if (num(r) != expected && errors.size() < 10) {
                    errors.add("expected " + expected + " got " + r.msg());
                }
                request(1);
            }

            @Override
            protected void hookOnComplete() {
                complete.set(true);
            }
        });
        AtomicInteger pauses = new AtomicInteger();
        Thread producer = new Thread(() -> {
            java.util.concurrent.Semaphore room = new java.util.concurrent.Semaphore(0);
            for (int i = 0; i < n; i += 100) {
                LogRecord[] batch = recs(i, 100);
                int from = 0;
                while (from < 100) {
                    from += b.tryOffer(batch, from, 100, room::release);
                    if (from < 100) {
                        pauses.incrementAndGet();
                        room.acquireUninterruptibly();
                    }
                }
            }
        });
        producer.start();
        producer.join(60_000);
        assertThat(producer.isAlive()).isFalse();
        b.close();
        Conditions.await(complete::get, Duration.ofSeconds(30), () -> "received " + received.get());
        assertThat(errors).isEmpty();
        assertThat(received.get()).isEqualTo(n);
        assertThat(b.dropped()).isZero();
        assertThat(pauses.get()).isPositive();
    }
}
