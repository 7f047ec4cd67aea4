package dev.logrouter.core.kmsg;

import dev.logrouter.core.testsupport.TestSpecs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.logrouter.core.record.LogRecord;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reads the host's /dev/kmsg read-only when this user may (never writes to it). */
class KmsgDeviceSmokeTest {

    private static final Path DEVICE = Path.of("/dev/kmsg");

    @Test
    void realDeviceRecordsParseWithIncreasingSeqAndPlausibleTimes() throws InterruptedException {
        assumeReadable();
        KmsgSpec spec = TestSpecs.kmsg("smoke", DEVICE, KmsgFrom.START, null);
        long startNanos = LogRecord.now();
        // the whole ring, then the read blocks; cancelling after 1.5 s must wake it
        List<LogRecord> got = new KmsgSource(spec).records().take(Duration.ofMillis(1500))
                .collectList().block(Duration.ofSeconds(20));
        long endNanos = LogRecord.now();
        assertThat(got).isNotEmpty();
        long uptime = BootClock.uptimeNanos();
        long bootApprox = uptime > 0 ? endNanos - uptime : 0;
        long prevSeq = -1;
        long prevClock = -1;
        long prevTime = Long.MIN_VALUE;
        for (LogRecord r : got) {
            if (r.isGap()) {
                continue;
            }
            assertThat(KmsgRecordParser.isMalformed(r)).as("%s", r).isFalse();
            assertThat(r.service()).isEqualTo("kernel");
            assertThat(r.msg()).doesNotEndWith("\n");
            long seq = KmsgRecordParser.seqOf(r);
            long clock = KmsgRecordParser.clockOf(r);
            assertThat(seq).isGreaterThan(prevSeq);
            assertThat(clock).isGreaterThanOrEqualTo(prevClock);
            assertThat(r.time()).isGreaterThanOrEqualTo(prevTime);
            assertThat(r.time()).isLessThanOrEqualTo(endNanos + 1_000_000_000L);
            assertThat(r.time()).isGreaterThan(bootApprox - 5_000_000_000L);
            prevSeq = seq;
            prevClock = clock;
            prevTime = r.time();
        }
        // a cancel that had to wait for the 2 s join timeout would show here
        assertThat(endNanos - startNanos).isLessThan(3_000_000_000L);
        // the blocked read was woken by the cancel and the reader thread ended
        await("the kmsg-smoke reader thread ends").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                        .doesNotContain("kmsg-smoke"));
    }

    @Test
    void fromEndOnTheRealDeviceSkipsTheRingByTimestamp() {
        assumeReadable();
        long openedUsec = System.nanoTime() / 1000;
        KmsgSource src = new KmsgSource(TestSpecs.kmsg("smoke-end", DEVICE, KmsgFrom.END, null));
        List<LogRecord> got = src.records().take(Duration.ofMillis(700)).collectList().block(Duration.ofSeconds(20));
        // the ring is never empty after boot: it was read and skipped; only newer records come through
        assertThat(src.recordsRead()).isGreaterThan(got.size());
        assertThat(got).allSatisfy(r -> assertThat(KmsgRecordParser.clockOf(r)).isGreaterThanOrEqualTo(openedUsec));
    }

    private static void assumeReadable() {
        assumeTrue(Files.exists(DEVICE), "no /dev/kmsg");
        try (FileChannel probe = FileChannel.open(DEVICE, StandardOpenOption.READ)) {
            assumeTrue(probe.isOpen());
        } catch (IOException e) {
            assumeTrue(false, "/dev/kmsg not readable here: " + e);
        }
    }
}
