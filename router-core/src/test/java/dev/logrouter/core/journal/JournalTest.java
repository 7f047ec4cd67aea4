package dev.logrouter.core.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.test.StepVerifier;

class JournalTest {

    private final List<Journal> journals = new ArrayList<>();

    private Journal journal(int lines, long bytes) {
        Journal j = Journal.create(new JournalSpec(lines, bytes));
        journals.add(j);
        return j;
    }

    @AfterEach
    void close() {
        journals.forEach(Journal::close);
    }

    static LogRecord rec(String msg) {
        return LogRecord.of(LogRecord.now(), "test", "svc", "stdout", Level.INFO, msg);
    }

    @Test
    void appendAssignsContiguousCursorsFromOne() {
        Journal j = journal(10, 1 << 20);
        assertThat(j.append(rec("a")).cursor()).isEqualTo(1);
        assertThat(j.append(rec("b")).cursor()).isEqualTo(2);
        assertThat(j.stats().nextCursor()).isEqualTo(3);
        assertThat(j.stats().records()).isEqualTo(2);
    }

    @Test
    void dumpReplaysWhatIsHeldThenCompletes() {
        Journal j = journal(3, 1 << 20);
        for (int i = 1; i <= 5; i++) {
            j.append(rec("m" + i));
        }
        StepVerifier.create(j.dump().map(LogRecord::msg))
                .expectNext("m3", "m4", "m5")
                .verifyComplete();
        assertThat(j.stats().overwritten()).isEqualTo(2);
    }

    @Test
    void dumpOfEmptyJournalCompletesAtOnce() {
        StepVerifier.create(journal(3, 1 << 20).dump()).verifyComplete();
    }

    @Test
    void dumpIsASnapshotTakenAtSubscription() {
        Journal j = journal(10, 1 << 20);
        j.append(rec("before"));
        reactor.core.publisher.Flux<LogRecord> dump = j.dump();
        j.append(rec("still before subscribe"));
        StepVerifier.create(dump.map(LogRecord::msg), 1)
                .expectNext("before")
                .then(() -> j.append(rec("after subscribe")))
                .thenRequest(5)
                .expectNext("still before subscribe")
                .verifyComplete();
    }

    @Test
    void followSeesOnlyNewRecords() {
        Journal j = journal(10, 1 << 20);
        j.append(rec("old"));
        StepVerifier.create(j.follow().map(LogRecord::msg))
                .then(() -> {
                    j.append(rec("new1"));
                    j.append(rec("new2"));
                })
                .expectNext("new1", "new2")
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        assertThat(j.followerCount()).isZero();
    }

    @Test
    void lastNReplaysTheNewest() {
        Journal j = journal(100, 1 << 20);
        for (int i = 1; i <= 10; i++) {
            j.append(rec("m" + i));
        }
        StepVerifier.create(j.read(ReadMode.DUMP, 3).map(LogRecord::msg))
                .expectNext("m8", "m9", "m10")
                .verifyComplete();
        StepVerifier.create(j.read(ReadMode.DUMP, 50).map(LogRecord::msg)).expectNextCount(10).verifyComplete();
        StepVerifier.create(j.read(ReadMode.DUMP_THEN_FOLLOW, 2).map(LogRecord::msg))
                .expectNext("m9", "m10")
                .then(() -> j.append(rec("m11")))
                .expectNext("m11")
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void byteBoundEvictsOldest() {
        Journal j = journal(1000, 4096);
        String msg = "x".repeat(400);
        for (int i = 0; i < 100; i++) {
            j.append(rec(msg));
        }
        JournalStats s = j.stats();
        assertThat(s.bytes()).isLessThanOrEqualTo(4096);
        assertThat(s.records()).isBetween(1L, 10L);
        assertThat(s.records() + s.overwritten()).isEqualTo(100);
        StepVerifier.create(j.dump()).expectNextCount(s.records()).verifyComplete();
    }

    @Test
    void oversizedRecordIsStillHeldAlone() {
        Journal j = journal(10, 1024);
        j.append(rec("small"));
        j.append(rec("y".repeat(5000)));
        assertThat(j.stats().records()).isEqualTo(1);
        StepVerifier.create(j.dump().map(r -> r.msg().length())).expectNext(5000).verifyComplete();
    }

    @Test
    void readerThatFallsBehindGetsOneGapWithTheExactCount() {
        Journal j = journal(100, 1 << 24);
        List<LogRecord> got = new ArrayList<>();
        StepVerifier.create(j.follow(), 10)
                .then(() -> {
                    for (int i = 1; i <= 10; i++) {
                        j.append(rec("m" + i));
                    }
                })
                .expectNextCount(10)
                .then(() -> {
                    for (int i = 11; i <= 1000; i++) {
                        j.append(rec("m" + i));
                    }
                })
                .thenRequest(200)
                .recordWith(() -> got)
                .expectNextCount(101)
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        // read 10 (cursors 1..10); the ring keeps 901..1000, so 11..900 = 890 are lost
        assertThat(got).filteredOn(LogRecord::isGap).hasSize(1);
        assertThat(got.get(0).isGap()).isTrue();
        assertThat(got.get(0).lost()).isEqualTo(890);
        assertThat(got.get(1).msg()).isEqualTo("m901");
        assertThat(got.get(100).msg()).isEqualTo("m1000");
        assertThat(j.stats().readerGaps()).isEqualTo(890);
    }

    @RepeatedTest(5)
    void manyProducersGiveStrictlyIncreasingCursorsAndKeepEachProducersOrder() throws Exception {
        int producers = 8;
        int perProducer = 20_000;
        Journal j = journal(producers * perProducer, 1L << 30);
        ConcurrentLinkedQueue<LogRecord> seen = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(1);
        j.dumpThenFollow().take((long) producers * perProducer).subscribe(seen::add, e -> { }, done::countDown);
        List<Thread> threads = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int p = 0; p < producers; p++) {
            String name = "p" + p;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perProducer; i++) {
                    j.append(LogRecord.of(i, "test", name, "stdout", Level.INFO, Integer.toString(i)));
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
        long expectCursor = 1;
        Map<String, Long> lastPerProducer = new java.util.HashMap<>();
        for (LogRecord r : seen) {
            assertThat(r.isGap()).isFalse();
            assertThat(r.cursor()).isEqualTo(expectCursor++);
            long prev = lastPerProducer.getOrDefault(r.service(), -1L);
            assertThat(r.time()).isEqualTo(prev + 1);
            lastPerProducer.put(r.service(), r.time());
        }
        assertThat(expectCursor - 1).isEqualTo((long) producers * perProducer);
    }

    @RepeatedTest(5)
    void dumpThenFollowHasNoGapAndNoDuplicateAtTheSeamUnderConcurrentAppends() throws Exception {
        Journal j = journal(1_000_000, 1L << 30);
        AtomicLong appended = new AtomicLong();
        Thread producer = new Thread(() -> {
            for (int i = 0; i < 200_000; i++) {
                j.append(rec("m"));
                appended.incrementAndGet();
            }
        });
        producer.start();
        while (appended.get() < 50_000) {
            Thread.onSpinWait();
        }
        List<Long> cursors = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        j.dumpThenFollow().takeUntil(r -> r.cursor() == 200_000).subscribe(r -> cursors.add(r.cursor()), e -> { },
                done::countDown);
        producer.join();
        assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(cursors.get(0)).isEqualTo(1);
        for (int i = 0; i < cursors.size(); i++) {
            assertThat(cursors.get(i)).isEqualTo(i + 1L);
        }
        assertThat(cursors).hasSize(200_000);
    }

    @Test
    void manyConcurrentFollowersEachSeeEveryRecord() throws Exception {
        Journal j = journal(500_000, 1L << 30);
        int followers = 16;
        int n = 100_000;
        List<AtomicLong> counts = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(followers);
        for (int f = 0; f < followers; f++) {
            AtomicLong c = new AtomicLong();
            counts.add(c);
            j.follow().take(n).subscribe(r -> c.incrementAndGet(), e -> { }, done::countDown);
        }
        for (int i = 0; i < n; i++) {
            j.append(rec("m"));
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(counts).allMatch(c -> c.get() == n);
        assertThat(j.followerCount()).isZero();
    }

    @RepeatedTest(3)
    void slowFollowerAccountsForEveryRecordAsReceivedOrCountedLost() throws Exception {
        Journal j = journal(1000, 1L << 30);
        int n = 300_000;
        AtomicLong received = new AtomicLong();
        AtomicLong lost = new AtomicLong();
        AtomicLong lastCursor = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        j.follow().takeUntil(r -> r.cursor() == n).subscribe(r -> {
            if (r.isGap()) {
                lost.addAndGet(r.lost());
            } else {
                assertThat(r.cursor()).isGreaterThan(lastCursor.get());
                lastCursor.set(r.cursor());
                received.incrementAndGet();
                if ((r.cursor() & 1023) == 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                }
            }
        }, e -> { }, done::countDown);
        for (int i = 0; i < n; i++) {
            j.append(rec("m"));
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(received.get() + lost.get()).isEqualTo(n);
        assertThat(j.stats().readerGaps()).isEqualTo(lost.get());
    }

    @Test
    void stalledReaderNeitherBlocksAppendsNorPinsMemory() throws Exception {
        Journal j = journal(5000, 8L << 20);
        BaseSubscriber<LogRecord> stalled = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription s) {
                s.request(1);
            }
        };
        j.follow().subscribe(stalled);
        long before = usedHeapAfterGc();
        String[] msgs = new String[16];
        for (int i = 0; i < msgs.length; i++) {
            msgs[i] = ("%0100d").formatted(i);
        }
        for (int i = 0; i < 1_000_000; i++) {
            j.append(LogRecord.of(i, "test", "svc", "stdout", Level.INFO, new String(msgs[i & 15])));
        }
        long after = usedHeapAfterGc();
        JournalStats s = j.stats();
        assertThat(s.records()).isEqualTo(5000);
        assertThat(s.appended()).isEqualTo(1_000_000);
        // 1 M records of ~250 B would be ~250 MB if the stalled reader pinned them
        assertThat(after - before).isLessThan(32L << 20);
        stalled.request(2);
        stalled.dispose();
    }

    private static long usedHeapAfterGc() {
        // System.gc() returns after a full collection (no ExplicitGCInvokesConcurrent here): nothing to wait for
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
