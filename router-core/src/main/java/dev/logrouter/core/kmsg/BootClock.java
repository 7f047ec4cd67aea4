package dev.logrouter.core.kmsg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wall-clock time of boot (realtime minus monotonic) in epoch nanoseconds, for turning kernel
 * timestamps (µs on the monotonic clock) into wall time.
 *
 * <p>Each derivation takes several back-to-back samples (monotonic, realtime, monotonic) and keeps
 * the one with the narrowest monotonic bracket, so the offset is good to about a microsecond
 * instead of the 1 s of {@code /proc/stat btime}. Realtime is stepped by NTP, by an operator or
 * after a suspend; the offset is re-derived once {@code refresh} of monotonic time has passed so it
 * follows those steps instead of drifting from them. Called from one reader thread; not thread-safe.
 *
 * <p>On Linux HotSpot {@link System#nanoTime()} is {@code CLOCK_MONOTONIC}, the clock of
 * {@code /dev/kmsg}; {@link #system} checks that against {@code /proc/uptime} and otherwise falls
 * back to an uptime-derived origin (10 ms precision).
 */
final class BootClock {

    private static final Logger LOG = LoggerFactory.getLogger(BootClock.class);
    private static final int SAMPLES = 7;

    private final LongSupplier realtimeNanos;
    private final LongSupplier monotonicNanos;
    private final long refreshNanos;
    private long offset;
    private long derivedAt;
    private boolean derived;

    /**
     * @param realtimeNanos  wall clock, epoch nanoseconds
     * @param monotonicNanos monotonic clock, nanoseconds since boot
     * @param refresh        re-derive the offset after this much monotonic time
     */
    BootClock(LongSupplier realtimeNanos, LongSupplier monotonicNanos, Duration refresh) {
        this.realtimeNanos = realtimeNanos;
        this.monotonicNanos = monotonicNanos;
        this.refreshNanos = refresh.toNanos();
    }

    /** The clocks of this machine, re-derived every {@code refresh}. */
    static BootClock system(Duration refresh) {
        LongSupplier realtime = () -> {
            Instant i = Instant.now();
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        };
        long uptime = uptimeNanos();
        long nano = System.nanoTime();
        LongSupplier monotonic;
        // nanoTime may exceed uptime only by the sampling error; CLOCK_BOOTTIME (uptime) >= MONOTONIC
        if (uptime < 0 || (nano > 0 && nano <= uptime + 100_000_000L)) {
            monotonic = System::nanoTime;
        } else {
            long shift = nano - uptime;
            LOG.warn("System.nanoTime() is not CLOCK_MONOTONIC here; kernel times are derived from /proc/uptime "
                    + "(10 ms precision)");
            monotonic = () -> System.nanoTime() - shift;
        }
        return new BootClock(realtime, monotonic, refresh);
    }

    /** Monotonic now, nanoseconds since boot. */
    long monotonicNanos() {
        return monotonicNanos.getAsLong();
    }

    /** Epoch nanoseconds of boot; re-derived when the last derivation is older than {@code refresh}. */
    long bootEpochNanos() {
        long now = monotonicNanos.getAsLong();
        if (!derived || now - derivedAt >= refreshNanos) {
            derive();
        }
        return offset;
    }

    /** Derives the offset now. */
    void derive() {
        long best = Long.MAX_VALUE;
        long bestOffset = 0;
        long at = 0;
        for (int i = 0; i < SAMPLES; i++) {
            long m1 = monotonicNanos.getAsLong();
            long r = realtimeNanos.getAsLong();
            long m2 = monotonicNanos.getAsLong();
            long width = m2 - m1;
            if (width < best) {
                best = width;
                at = m1 + width / 2;
                bestOffset = r - at;
            }
        }
        offset = bestOffset;
        derivedAt = at;
        derived = true;
    }

    /** CLOCK_BOOTTIME from {@code /proc/uptime}, or -1 when it cannot be read. */
    static long uptimeNanos() {
        try {
            String s = Files.readString(Path.of("/proc/uptime"), StandardCharsets.US_ASCII).trim();
            int sp = s.indexOf(' ');
            String secs = sp < 0 ? s : s.substring(0, sp);
            return (long) (Double.parseDouble(secs) * 1e9);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
