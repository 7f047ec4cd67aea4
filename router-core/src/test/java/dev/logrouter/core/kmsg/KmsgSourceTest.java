package dev.logrouter.core.kmsg;

import dev.logrouter.core.testsupport.TestSpecs;
import static dev.logrouter.core.testsupport.Conditions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** The reader against {@link FixtureDevice}, which behaves like /dev/kmsg (never the host's device). */
class KmsgSourceTest {

    private static final long BOOT = 1_700_000_000_000_000_000L;
    /** Monotonic "now" of the fixture clock: 1000 s after boot. */
    private static final long MONO_NOW = 1000_000_000_000L;
    private static final AtomicInteger NAMES = new AtomicInteger();

    @TempDir
    Path tmp;

    private static BootClock fixedClock() {
        return new BootClock(() -> BOOT + MONO_NOW, () -> MONO_NOW, Duration.ofSeconds(60));
    }

    private static KmsgSpec spec(KmsgFrom from, Path state) {
        return new KmsgSpec("kernel-" + NAMES.incrementAndGet(), Path.of("/fixture/kmsg"), from, state,
                Duration.ofMillis(50), 0, null, null);
    }

    private static KmsgSource source(FixtureDevice dev, KmsgSpec spec) {
        return new KmsgSource(spec, () -> dev, KmsgSourceTest::fixedClock, Schedulers.parallel());
    }

    private static long seq(LogRecord r) {
        return KmsgRecordParser.seqOf(r);
    }


    /** Waits until the source's reader thread waits in {@code frame} (see {@link ReaderThread}). */
    private static void awaitReaderIn(KmsgSpec spec, String frame) {
        String thread = "kmsg-" + spec.name();
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                .untilAsserted(() -> assertThat(ReaderThread.isWaitingIn(thread, frame))
                        .as("%s waiting in %s; now: %s", thread, frame, ReaderThread.stack(thread)).isTrue());
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test
    void readsOneRecordPerReadIntoKernelRecords() {
        FixtureDevice dev = FixtureDevice.blocking(16);
        dev.write("6,10,1500,-;first\n");
        dev.write("3,11,2500,-,caller=T7;second\n SUBSYSTEM=pci\n DEVICE=+pci:0000:00:01.0\n");
        dev.write("12,12,3500,-;third \\x5c\\x0aend\n");
        KmsgSpec spec = spec(KmsgFrom.START, null);
        KmsgSource src = source(dev, spec);
        List<LogRecord> got = src.records().take(3).collectList().block(Duration.ofSeconds(10));
        assertThat(got).extracting(LogRecord::msg).containsExactly("first", "second", "third \\\nend");
        assertThat(got).allSatisfy(r -> {
            assertThat(r.source()).isEqualTo(spec.name());
            assertThat(r.service()).isEqualTo("kernel");
            assertThat(r.stream()).isEqualTo("kernel");
        });
        assertThat(got.get(0).time()).isEqualTo(BOOT + 1_500_000);
        assertThat(got.get(1).level()).isEqualTo(Level.ERR);
        assertThat(got.get(1).fields().keySet())
                .containsExactly("facility", "priority", "seq", "clock", "SUBSYSTEM", "DEVICE", "caller");
        assertThat(got.get(2).fields()).containsEntry("facility", "user").containsEntry("priority", "warning");
        assertThat(dev.reads.get()).isEqualTo(3);
        assertThat(src.recordsRead()).isEqualTo(3);
        assertThat(dev.isClosed()).isTrue();
    }

    @Test
    void epipeGivesOneGapWithTheExactCountThenContinues() {
        FixtureDevice dev = FixtureDevice.blocking(10);
        dev.writeSeq(0, 5);
        KmsgSource src = source(dev, spec(KmsgFrom.START, null));
        StepVerifier.create(src.records(), 0)
                .thenRequest(2)
                .assertNext(r -> assertThat(seq(r)).isZero())
                .assertNext(r -> assertThat(seq(r)).isEqualTo(1))
                // 20 more records: the ring keeps 15..24, the reader's position (2) is overwritten
                .then(() -> dev.writeSeq(5, 20))
                .thenRequest(11)
                .assertNext(g -> {
                    assertThat(g.isGap()).isTrue();
                    assertThat(g.lost()).isEqualTo(13);
                    assertThat(g.fields()).containsEntry("first_seq", 2L).containsEntry("last_seq", 14L);
                    assertThat(g.msg()).startsWith("lost 13 records");
                    assertThat(g.level()).isEqualTo(Level.WARNING);
                    assertThat(g.time()).isEqualTo(BOOT + 15_000_000);
                })
                .assertNext(r -> assertThat(seq(r)).isEqualTo(15))
                .expectNextCount(9)
                .thenCancel()
                .verify(Duration.ofSeconds(10));
        assertThat(src.lost()).isEqualTo(13);
        assertThat(src.overwrittenEvents()).isEqualTo(1);
    }

    @Test
    void sequenceJumpWithoutEpipeIsAGapToo() {
        FixtureDevice dev = FixtureDevice.blocking(16);
        dev.write(FixtureDevice.line(6, 5, 5, "a"));
        dev.write(FixtureDevice.line(6, 9, 9, "b"));
        List<LogRecord> got = source(dev, spec(KmsgFrom.START, null)).records().take(3)
                .collectList().block(Duration.ofSeconds(10));
        assertThat(got.get(1).lost()).isEqualTo(3);
        assertThat(got.get(1).fields()).containsEntry("first_seq", 6L).containsEntry("last_seq", 8L);
        assertThat(got.get(2).msg()).isEqualTo("b");
    }

    @Test
    void sequenceGoingBackwardsDropsNothing() {
        FixtureDevice dev = FixtureDevice.blocking(16);
        dev.writeSeq(100, 3);
        dev.writeSeq(0, 3);
        List<LogRecord> got = source(dev, spec(KmsgFrom.START, null)).records().take(6)
                .collectList().block(Duration.ofSeconds(10));
        assertThat(got).extracting(KmsgSourceTest::seq).containsExactly(100L, 101L, 102L, 0L, 1L, 2L);
        assertThat(got).noneMatch(LogRecord::isGap);
    }

    @Test
    void malformedRecordsAreForwardedAndCounted() {
        FixtureDevice dev = FixtureDevice.blocking(16);
        dev.write(FixtureDevice.line(6, 1, 1, "ok"));
        dev.write("garbage without header\n");
        dev.write(FixtureDevice.line(6, 2, 2, "ok again"));
        KmsgSource src = source(dev, spec(KmsgFrom.START, null));
        List<LogRecord> got = src.records().take(3).collectList().block(Duration.ofSeconds(10));
        assertThat(got.get(1).msg()).isEqualTo("garbage without header");
        assertThat(got.get(1).fields()).containsKey("parse_error");
        assertThat(got).noneMatch(LogRecord::isGap);
        assertThat(src.malformed()).isEqualTo(1);
    }

    @Test
    void readsOnlyWhatIsRequested() {
        FixtureDevice dev = FixtureDevice.blocking(64);
        dev.writeSeq(0, 50);
        KmsgSpec spec = spec(KmsgFrom.START, null);
        StepVerifier.create(source(dev, spec).records(), 0)
                .thenRequest(1)
                .expectNextCount(1)
                .then(() -> {
                    // the reader has decided: it waits for demand, with one read done
                    awaitReaderIn(spec, ".awaitDemand");
                    assertThat(dev.reads.get()).isEqualTo(1);
                })
                .thenRequest(49)
                .expectNextCount(49)
                .thenCancel()
                .verify(Duration.ofSeconds(10));
        assertThat(dev.reads.get()).isEqualTo(50);
    }

    @Test
    void idleBlockingDeviceIsReadOnceAndWakesForNewRecords() throws InterruptedException {
        FixtureDevice dev = FixtureDevice.blocking(16);
        KmsgSpec spec = spec(KmsgFrom.START, null);
        List<LogRecord> got = Collections.synchronizedList(new ArrayList<>());
        Disposable d = source(dev, spec).records().subscribe(got::add);
        // blocked inside its first read of the empty device: it cannot read again until a record comes
        awaitReaderIn(spec, "FixtureDevice.read");
        assertThat(dev.reads.get()).isEqualTo(1);
        dev.writeSeq(0, 1);
        await(() -> got.size() == 1);
        d.dispose();
        assertThat(dev.isClosed()).isTrue();
        assertThat(threadAlive("kmsg-" + spec.name())).isFalse();
    }

    @Test
    void idleNonBlockingDeviceWaitsInsteadOfSpinning() throws InterruptedException {
        FixtureDevice dev = new FixtureDevice(16, false, true, "boot-1");
        KmsgSpec spec = spec(KmsgFrom.START, null);
        List<LogRecord> got = Collections.synchronizedList(new ArrayList<>());
        Disposable d = source(dev, spec).records().subscribe(got::add);
        // EAGAIN, then one poll-like wait of up to a second: the reader is caught waiting in it, every
        // read after the first followed a wait, and no wait was asked to be short
        awaitReaderIn(spec, "FixtureDevice.awaitData");
        assertThat(dev.reads.get()).isLessThanOrEqualTo(dev.awaits.get() + 1);
        assertThat(dev.shortestAwaitMillis).isEqualTo(1000);
        dev.writeSeq(0, 2);
        await(() -> got.size() == 2);
        d.dispose();
        assertThat(dev.isClosed()).isTrue();
    }

    @Test
    void cancelClosesTheDeviceAndEndsTheThread() throws InterruptedException {
        FixtureDevice dev = FixtureDevice.blocking(16);
        KmsgSpec spec = spec(KmsgFrom.START, null);
        Disposable d = source(dev, spec).records().subscribe();
        await(() -> dev.reads.get() == 1);
        assertThat(threadAlive("kmsg-" + spec.name())).isTrue();
        d.dispose();
        assertThat(dev.isClosed()).isTrue();
        await(() -> !threadAlive("kmsg-" + spec.name()));
    }

    @Test
    void fromEndSkipsWhatIsAlreadyThere() throws InterruptedException {
        FixtureDevice dev = FixtureDevice.blocking(16);
        dev.writeSeq(0, 5);
        List<LogRecord> got = Collections.synchronizedList(new ArrayList<>());
        Disposable d = source(dev, spec(KmsgFrom.END, null)).records().subscribe(got::add);
        await(() -> dev.seeks.get() == 1);
        dev.writeSeq(5, 3);
        await(() -> got.size() == 3);
        d.dispose();
        assertThat(got).extracting(KmsgSourceTest::seq).containsExactly(5L, 6L, 7L);
    }

    @Test
    void fromEndOnADeviceWithoutSeekSkipsRecordsOlderThanTheOpen() {
        FixtureDevice dev = new FixtureDevice(16, true, false, "boot-1");
        dev.writeSeq(0, 5); // usec 0..4000, long before "now" (1000 s)
        dev.write(FixtureDevice.line(6, 5, MONO_NOW / 1000 + 1, "after open"));
        List<LogRecord> got = source(dev, spec(KmsgFrom.END, null)).records().take(1)
                .collectList().block(Duration.ofSeconds(10));
        assertThat(got).extracting(LogRecord::msg).containsExactly("after open");
        assertThat(dev.seeks.get()).isEqualTo(1);
    }

    @Test
    void stateFileResumesExactlyAfterTheLastForwardedRecord() throws IOException {
        Path state = tmp.resolve("state/kmsg.state");
        // first run forwards 0..4
        FixtureDevice run1 = FixtureDevice.blocking(16);
        run1.writeSeq(0, 5);
        assertThat(source(run1, spec(KmsgFrom.START, state)).records().take(5).collectList()
                .block(Duration.ofSeconds(10))).hasSize(5);
        assertThat(KmsgState.read(state)).isEqualTo(new KmsgState("boot-1", 4, 4000));

        // restart, same boot, 5 more records logged meanwhile: exactly 5..9, no duplicate, no gap
        FixtureDevice run2 = FixtureDevice.blocking(16);
        run2.writeSeq(0, 10);
        List<LogRecord> second = source(run2, spec(KmsgFrom.END, state)).records().take(5).collectList()
                .block(Duration.ofSeconds(10));
        assertThat(second).extracting(KmsgSourceTest::seq).containsExactly(5L, 6L, 7L, 8L, 9L);
        assertThat(KmsgState.read(state).seq()).isEqualTo(9);

        // restart after 10 and 11 were overwritten while the router was down: a gap of exactly 2
        FixtureDevice run3 = FixtureDevice.blocking(16);
        run3.writeSeq(12, 4);
        List<LogRecord> third = source(run3, spec(KmsgFrom.START, state)).records().take(5).collectList()
                .block(Duration.ofSeconds(10));
        assertThat(third.get(0).lost()).isEqualTo(2);
        assertThat(third.get(0).fields()).containsEntry("first_seq", 10L).containsEntry("last_seq", 11L);
        assertThat(third.subList(1, 5)).extracting(KmsgSourceTest::seq).containsExactly(12L, 13L, 14L, 15L);

        // reboot: another boot id, every record of the new boot is forwarded
        FixtureDevice run4 = new FixtureDevice(16, true, true, "boot-2");
        run4.writeSeq(0, 3);
        List<LogRecord> fourth = source(run4, spec(KmsgFrom.START, state)).records().take(3).collectList()
                .block(Duration.ofSeconds(10));
        assertThat(fourth).extracting(KmsgSourceTest::seq).containsExactly(0L, 1L, 2L);
        assertThat(KmsgState.read(state)).isEqualTo(new KmsgState("boot-2", 2, 2000));
    }

    @Test
    void withoutBootIdALaterClockAtALowerSeqMeansANewRingAndNothingIsSkipped() throws IOException {
        Path state = tmp.resolve("kmsg.state");
        new KmsgState(null, 50, 50_000).write(state);
        FixtureDevice dev = new FixtureDevice(16, true, true, null);
        for (int s = 0; s < 3; s++) {
            dev.write(FixtureDevice.line(6, s, 900_000 + s, "new ring " + s));
        }
        List<LogRecord> got = source(dev, spec(KmsgFrom.START, state)).records().take(3).collectList()
                .block(Duration.ofSeconds(10));
        assertThat(got).extracting(KmsgSourceTest::seq).containsExactly(0L, 1L, 2L);
    }

    @Test
    void stateIsSavedPeriodicallyWhileRunning() throws Exception {
        Path state = tmp.resolve("kmsg.state");
        FixtureDevice dev = FixtureDevice.blocking(16);
        dev.writeSeq(0, 3);
        Disposable d = source(dev, spec(KmsgFrom.START, state)).records().subscribe();
        await(() -> Files.exists(state) && readSeq(state) == 2);
        dev.writeSeq(3, 1);
        await(() -> readSeq(state) == 3);
        d.dispose();
        assertThat(Files.list(tmp)).extracting(p -> p.getFileName().toString()).containsExactly("kmsg.state");
    }

    private static long readSeq(Path state) {
        try {
            KmsgState s = KmsgState.read(state);
            return s == null ? -1 : s.seq();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void endOfTheDeviceCompletesTheFluxAndSavesTheState() {
        Path state = tmp.resolve("kmsg.state");
        FixtureDevice dev = FixtureDevice.blocking(16);
        dev.writeSeq(0, 3);
        StepVerifier.create(source(dev, spec(KmsgFrom.START, state)).records())
                .expectNextCount(3)
                .then(dev::close)
                .verifyComplete();
        assertThat(readSeq(state)).isEqualTo(2);
    }

    @Test
    void unreadableStateFileIsReportedAndIgnored() throws IOException {
        Path state = tmp.resolve("kmsg.state");
        Files.writeString(state, "seq=notanumber\n", StandardCharsets.UTF_8);
        FixtureDevice dev = FixtureDevice.blocking(16);
        dev.writeSeq(0, 2);
        List<LogRecord> got = source(dev, spec(KmsgFrom.START, state)).records().take(3).collectList()
                .block(Duration.ofSeconds(10));
        assertThat(got.get(0).service()).isEqualTo("logrouter");
        assertThat(got.get(0).level()).isEqualTo(Level.WARNING);
        assertThat(got.get(0).msg()).contains("unreadable state file");
        assertThat(got.subList(1, 3)).extracting(KmsgSourceTest::seq).containsExactly(0L, 1L);
        assertThat(readSeq(state)).isEqualTo(1);
    }

    @Test
    void noPermissionGivesOneErrorRecordAndOtherSourcesKeepRunning() {
        KmsgSpec denied = spec(KmsgFrom.START, null);
        KmsgSource failing = new KmsgSource(denied, () -> {
            throw new AccessDeniedException("/dev/kmsg");
        }, KmsgSourceTest::fixedClock, Schedulers.parallel());
        StepVerifier.create(failing.records())
                .assertNext(r -> {
                    assertThat(r.service()).isEqualTo("logrouter");
                    assertThat(r.source()).isEqualTo(denied.name());
                    assertThat(r.level()).isEqualTo(Level.ERR);
                    assertThat(r.msg()).contains("no permission to read /fixture/kmsg").contains("CAP_SYSLOG")
                            .contains("dmesg_restrict");
                })
                .verifyComplete();

        FixtureDevice dev = FixtureDevice.blocking(16);
        dev.writeSeq(0, 3);
        List<LogRecord> merged = Flux.merge(failing.records(), source(dev, spec(KmsgFrom.START, null)).records()
                .take(3)).collectList().block(Duration.ofSeconds(10));
        assertThat(merged).hasSize(4);
        assertThat(merged).filteredOn(r -> r.service().equals("kernel")).hasSize(3);
    }

    @Test
    void missingDeviceGivesAClearErrorRecord() {
        Path missing = tmp.resolve("no-such-kmsg");
        StepVerifier.create(new KmsgSource(TestSpecs.kmsg("k", missing, KmsgFrom.START, null)).records())
                .assertNext(r -> assertThat(r.msg()).contains("cannot open " + missing)
                        .contains("NoSuchFileException"))
                .verifyComplete();
    }

    @Test
    void everyRecordIsDeliveredOrCountedUnderConcurrentWritesAndOverwrites() throws Exception {
        long totalLost = 0;
        for (int iteration = 0; iteration < 6; iteration++) {
            boolean blocking = iteration % 2 == 0;
            FixtureDevice dev = new FixtureDevice(64, blocking, true, "boot-1");
            int n = 20_000;
            dev.write(FixtureDevice.line(6, 0, 0, "r0"));
            Thread writer = new Thread(() -> {
                for (int i = 1; i < n; i++) {
                    dev.write(FixtureDevice.line(6, i, i, "r" + i));
                }
            }, "fixture-writer");
            AtomicInteger delivered = new AtomicInteger();
            KmsgSource src = source(dev, spec(KmsgFrom.START, null));
            List<LogRecord> got = src.records()
                    .doOnNext(r -> {
                        if (seq(r) == 0) {
                            writer.start();
                        }
                        if (delivered.incrementAndGet() % 1000 == 0) {
                            // a slow consumer: it holds the reader until the writer is two rings ahead
                            // (or done), so the ring has overwritten what was not read yet
                            long ahead = Math.min(n, seq(r) + 2L * 64);
                            await(() -> dev.written() >= ahead);
                        }
                    })
                    .takeUntil(r -> seq(r) == n - 1)
                    .collectList()
                    .block(Duration.ofSeconds(60));
            writer.join(10_000);
            long expected = 0;
            long lost = 0;
            int normal = 0;
            for (LogRecord r : got) {
                if (r.isGap()) {
                    assertThat(r.fields().get("first_seq")).isEqualTo(expected);
                    expected = (Long) r.fields().get("last_seq") + 1;
                    lost += r.lost();
                } else {
                    assertThat(seq(r)).isEqualTo(expected);
                    expected++;
                    normal++;
                }
            }
            assertThat(normal + lost).isEqualTo(n);
            assertThat(src.lost()).isEqualTo(lost);
            totalLost += lost;
            assertThat(dev.isClosed()).isTrue();
        }
        assertThat(totalLost).as("the slow consumer made the ring overwrite").isPositive();
    }
}
