package dev.logrouter.core.sink;

import static dev.logrouter.core.testsupport.Conditions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** The disk buffer on real files: order, restart, corruption and each {@code when_full} policy. */
class DiskBufferTest {

    private final Scheduler scheduler = Schedulers.newBoundedElastic(4, 1000, "disk-test");

    @TempDir
    Path dir;

    @AfterEach
    void dispose() {
        scheduler.dispose();
    }

    private static LogRecord rec(int i) {
        return LogRecord.of(LogRecord.now(), "t", "svc", "stdout", Level.INFO, "m" + i).withCursor(i);
    }

    private SinkBuffer disk(long maxBytes, WhenFull policy) {
        return new SinkBuffer("s", BufferSpec.disk(new DiskSpec(dir, Duration.ofMillis(50), 4096), maxBytes, policy),
                true, scheduler);
    }

    /** Waits (bounded) for a condition. */

    private long segments() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".seg")).count();
        }
    }

    /** The buffer's records, each acknowledged as it arrives (by its position, as sinks do). */
    private static Flux<LogRecord> acking(SinkBuffer b) {
        return Flux.defer(() -> {
            long[] received = {0};
            return b.flux().doOnNext(r -> b.ack(++received[0]));
        });
    }

    @Test
    void recordsComeBackInOrderAndDeliveredSegmentsAreDeleted() throws IOException {
        SinkBuffer b = disk(1 << 30, WhenFull.BLOCK);
        for (int i = 1; i <= 2000; i++) {
            assertThat(b.offer(rec(i))).isTrue();
        }
        assertThat(segments()).isGreaterThan(5);
        b.close();
        List<LogRecord> got = new ArrayList<>();
        StepVerifier.create(acking(b)).recordWith(() -> got).expectNextCount(2000).verifyComplete();
        assertThat(got).extracting(LogRecord::cursor).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, 2000).boxed().toList());
        assertThat(got.get(0).msg()).isEqualTo("m1");
        assertThat(b.dropped()).isZero();
        assertThat(segments()).isEqualTo(1); // only the (empty) segment being written
    }

    @Test
    void aRestartResumesAfterTheLastAcknowledgedRecordAndCountsTheReplays() {
        SinkBuffer first = disk(1 << 30, WhenFull.BLOCK);
        for (int i = 1; i <= 1000; i++) {
            first.offer(rec(i));
        }
        // the sink took 10 records and confirmed 4 of them when it was stopped
        List<LogRecord> taken = new CopyOnWriteArrayList<>();
        Disposable d = first.flux().limitRate(10).take(10).subscribe(taken::add);
        await(() -> taken.size() == 10);
        first.ack(4); // the first four of those it received
        d.dispose();

        SinkBuffer second = disk(1 << 30, WhenFull.BLOCK);
        assertThat(second.depth()).isEqualTo(996);
        assertThat(second.replayed()).isEqualTo(6);
        assertThat(second.offered()).isEqualTo(996);
        second.offer(rec(1001));
        second.close();
        List<LogRecord> got = new ArrayList<>();
        StepVerifier.create(acking(second)).recordWith(() -> got).expectNextCount(997)
                .verifyComplete();
        assertThat(got.get(0).cursor()).isEqualTo(5);
        assertThat(got.get(996).cursor()).isEqualTo(1001);
    }

    @Test
    void aCorruptTailByteLosesOneRecordCountedAndTheRestIsDelivered() throws IOException {
        SinkBuffer first = disk(1 << 30, WhenFull.BLOCK);
        for (int i = 1; i <= 30; i++) {
            first.offer(rec(i));
        }
        first.flux().subscribe().dispose(); // stop without taking anything: records stay on disk
        Path seg;
        try (Stream<Path> s = Files.list(dir)) {
            seg = s.filter(p -> p.toString().endsWith(".seg")).filter(p -> p.toFile().length() > 0).sorted()
                    .reduce((a, c) -> c).orElseThrow();
        }
        long lengthBefore = Files.size(seg);
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.seek(f.length() - 1);
            int v = f.read();
            f.seek(f.length() - 1);
            f.write(v ^ 0x5A);
        }

        SinkBuffer second = disk(1 << 30, WhenFull.BLOCK);
        assertThat(second.corrupted()).isEqualTo(1);
        assertThat(second.dropped()).isEqualTo(1);
        assertThat(Files.size(seg)).isLessThan(lengthBefore);
        second.close();
        List<LogRecord> got = new ArrayList<>();
        StepVerifier.create(acking(second)).recordWith(() -> got).expectNextCount(30)
                .verifyComplete();
        assertThat(got.get(0).isGap()).isTrue();
        assertThat(got.get(0).lost()).isEqualTo(1);
        assertThat(got.subList(1, 30)).extracting(LogRecord::msg)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 29).mapToObj(i -> "m" + i).toList());
    }

    @Test
    void aTornFrameFromACrashMidAppendIsCutOffAndNewRecordsFollow() throws IOException {
        SinkBuffer first = disk(1 << 30, WhenFull.BLOCK);
        for (int i = 1; i <= 5; i++) {
            first.offer(rec(i));
        }
        first.flux().subscribe().dispose();
        Path seg;
        try (Stream<Path> s = Files.list(dir)) {
            seg = s.filter(p -> p.toString().endsWith(".seg")).filter(p -> p.toFile().length() > 0).findFirst()
                    .orElseThrow();
        }
        // half a frame header, as a crash between two write() calls of an append could leave
        Files.write(seg, new byte[] {0, 0, 1}, java.nio.file.StandardOpenOption.APPEND);
        SinkBuffer second = disk(1 << 30, WhenFull.BLOCK);
        assertThat(second.corrupted()).isEqualTo(1);
        second.offer(rec(6));
        second.close();
        List<LogRecord> got = new ArrayList<>();
        StepVerifier.create(acking(second).filter(r -> !r.isGap())).recordWith(() -> got)
                .expectNextCount(6).verifyComplete();
        assertThat(got).extracting(LogRecord::msg).containsExactly("m1", "m2", "m3", "m4", "m5", "m6");
    }

    @Test
    void fullWithDropOldestKeepsTheNewestAndCountsExactly() {
        SinkBuffer b = disk(4096, WhenFull.DROP_OLDEST);
        for (int i = 1; i <= 1000; i++) {
            assertThat(b.offer(rec(i))).isTrue();
        }
        b.close();
        List<LogRecord> got = new ArrayList<>();
        StepVerifier.create(acking(b)).recordWith(() -> got).thenConsumeWhile(r -> true)
                .verifyComplete();
        assertThat(got.get(0).isGap()).isTrue();
        long kept = got.size() - 1;
        assertThat(got.get(0).lost()).isEqualTo(1000 - kept).isEqualTo(b.dropped());
        assertThat(got.get(got.size() - 1).msg()).isEqualTo("m1000");
        assertThat(kept).isBetween(10L, 200L);
    }

    @Test
    void fullWithDropNewestKeepsTheOldestAndCountsExactly() {
        SinkBuffer b = disk(4096, WhenFull.DROP_NEWEST);
        int accepted = 0;
        for (int i = 1; i <= 1000; i++) {
            if (b.offer(rec(i))) {
                accepted++;
            }
        }
        b.close();
        List<LogRecord> got = new ArrayList<>();
        StepVerifier.create(acking(b)).recordWith(() -> got).thenConsumeWhile(r -> true)
                .verifyComplete();
        // the drops happened before the first record was handed out: the gap comes first
        assertThat(got.get(0).isGap()).isTrue();
        assertThat(got.get(0).lost()).isEqualTo(1000 - accepted).isEqualTo(b.dropped());
        assertThat(got.get(1).msg()).isEqualTo("m1");
        assertThat(got.get(got.size() - 1).msg()).isEqualTo("m" + accepted);
        assertThat(got.size() - 1).isEqualTo(accepted);
    }

    @Test
    void fullWithBlockWaitsForAcknowledgementsAndLosesNothing() throws Exception {
        SinkBuffer b = disk(4096, WhenFull.BLOCK);
        AtomicInteger offered = new AtomicInteger();
        Thread producer = new Thread(() -> {
            for (int i = 1; i <= 2000; i++) {
                b.offer(rec(i));
                offered.incrementAndGet();
            }
            b.close();
        });
        producer.start();
        // nobody reads: the producer stops at the bound
        await(() -> producer.getState() == Thread.State.TIMED_WAITING);
        assertThat(offered.get()).isLessThan(2000);
        List<LogRecord> got = new ArrayList<>();
        StepVerifier.create(acking(b)).recordWith(() -> got).expectNextCount(2000)
                .verifyComplete();
        producer.join(10_000);
        assertThat(b.dropped()).isZero();
        assertThat(got).noneMatch(LogRecord::isGap);
    }

    @Test
    void aDirectoryInUseByAnotherBufferIsAClearError() {
        SinkBuffer first = disk(1 << 20, WhenFull.BLOCK);
        assertThatThrownBy(() -> disk(1 << 20, WhenFull.BLOCK)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("in use");
        first.flux().subscribe().dispose();
    }

    @Test
    void releasesRecordsToTheRouterOnlyOnceSyncedToDisk() {
        SinkBuffer b = disk(1 << 20, WhenFull.BLOCK);
        List<LogRecord> released = new CopyOnWriteArrayList<>();
        b.onRelease(released::addAll);
        b.offer(rec(1));
        b.offer(rec(2));
        await(() -> released.size() == 2);
        assertThat(released).extracting(LogRecord::cursor).containsExactly(1L, 2L);
        b.flux().subscribe().dispose();
    }
}
