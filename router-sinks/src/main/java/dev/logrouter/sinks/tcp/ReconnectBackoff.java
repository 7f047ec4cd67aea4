package dev.logrouter.sinks.tcp;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Jittered exponential delays between connection attempts: attempt n waits
 * {@code min * 2^n}, capped at {@code max}, then scaled by a random factor in [0.5, 1.0] so that many
 * routers that lost the same receiver do not reconnect in lock step. {@link #reset()} after a
 * successful connection starts again at {@code min}. Not thread-safe (one per connection loop).
 */
final class ReconnectBackoff {

    private final long minNanos;
    private final long maxNanos;
    private final DoubleSupplier random;
    private int attempt;

    ReconnectBackoff(Duration min, Duration max, DoubleSupplier random) {
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < min <= max, was " + min + " / " + max);
        }
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
    }

    /** The delay before the next attempt. */
    Duration next() {
        long base = minNanos;
        for (int i = 0; i < attempt && base < maxNanos; i++) {
            base = base > maxNanos / 2 ? maxNanos : base * 2;
        }
        base = Math.min(base, maxNanos);
        attempt = Math.min(attempt + 1, 62);
        double factor = 0.5 + 0.5 * random.getAsDouble();
        return Duration.ofNanos(Math.max(1, (long) (base * factor)));
    }

    void reset() {
        attempt = 0;
    }
}
