package dev.logrouter.app.config;

import java.time.Duration;

/**
 * The {@code backoff_min} / {@code backoff_max} keys of a component that restarts or reconnects,
 * bound inline; each type declares its own defaults in its {@link Block}.
 */
record BackoffConfig(
        @Doc("first delay before a restart or reconnect; delays double after each attempt up to `backoff_max`")
        Duration backoffMin,
        @Doc("longest delay")
        Duration backoffMax) {

    BackoffConfig {
        if (backoffMin != null && backoffMax != null && backoffMin.compareTo(backoffMax) > 0) {
            throw new IllegalArgumentException("backoff_min must not exceed backoff_max");
        }
    }
}
