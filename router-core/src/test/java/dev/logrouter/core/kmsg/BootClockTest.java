package dev.logrouter.core.kmsg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BootClockTest {

    @Test
    void followsARealtimeStepAfterTheRefreshInterval() {
        AtomicLong mono = new AtomicLong(10_000_000_000L);
        AtomicLong realShift = new AtomicLong(1_000_000_000_000L);
        BootClock clock = new BootClock(() -> realShift.get() + mono.get(), mono::get, Duration.ofSeconds(60));
        assertThat(clock.bootEpochNanos()).isEqualTo(1_000_000_000_000L);
        realShift.addAndGet(5_000_000_000L); // NTP or an operator steps the wall clock by 5 s
        mono.addAndGet(59_000_000_000L);
        assertThat(clock.bootEpochNanos()).isEqualTo(1_000_000_000_000L);
        mono.addAndGet(1_000_000_000L);
        assertThat(clock.bootEpochNanos()).isEqualTo(1_005_000_000_000L);
    }

    @Test
    void keepsTheSampleWithTheNarrowestBracket() {
        // each sample reads monotonic, realtime, monotonic; the first bracket is 1 ms wide, the next 2 ns
        long[] monoReads = {0, 1_000_000, 2_000_000, 2_000_002, 3_000_000, 3_000_500, 4_000_000, 4_000_500,
            5_000_000, 5_000_500, 6_000_000, 6_000_500, 7_000_000, 7_000_500, 7_000_600};
        long[] realReads = {500_777, 2_000_001 + 42, 3_000_250 + 9_000, 4_000_250 + 9_000, 5_000_250 + 9_000,
            6_000_250 + 9_000, 7_000_250 + 9_000};
        int[] m = {0};
        int[] r = {0};
        BootClock clock = new BootClock(() -> realReads[r[0]++], () -> monoReads[m[0]++], Duration.ofSeconds(60));
        clock.derive();
        assertThat(clock.bootEpochNanos()).isEqualTo(42);
    }

    @Test
    void systemClockIsBootTimeWithSubMillisecondStability() {
        long uptime = BootClock.uptimeNanos();
        assumeTrue(uptime > 0, "/proc/uptime readable");
        BootClock clock = BootClock.system(Duration.ofSeconds(60));
        long boot = clock.bootEpochNanos();
        Instant now = Instant.now();
        long nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        // /proc/uptime is CLOCK_BOOTTIME at 10 ms resolution; equal to monotonic without suspends
        assertThat(Math.abs(nowNanos - uptime - boot)).isLessThan(2_000_000_000L);
        long spread = 0;
        for (int i = 0; i < 20; i++) {
            clock.derive();
            spread = Math.max(spread, Math.abs(clock.bootEpochNanos() - boot));
        }
        assertThat(spread).as("offset varies by less than 1 ms between derivations").isLessThan(1_000_000L);
    }
}
