package dev.logrouter.core.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.awaitility.Awaitility;

/** Waiting on a condition in tests (Awaitility, polling every 5 ms): one place instead of a helper per class. */
public final class Conditions {

    private Conditions() {
    }

    /** Waits until {@code cond} holds, failing after 10 s. */
    public static void await(BooleanSupplier cond) {
        await(cond, Duration.ofSeconds(10), () -> "condition within 10 s");
    }

    /** Waits until {@code cond} holds; on timeout the failure says {@code what} was seen last. */
    public static void await(BooleanSupplier cond, Duration timeout, Supplier<String> what) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(5))
                .untilAsserted(() -> {
                    if (!cond.getAsBoolean()) {
                        throw new AssertionError("timed out: " + what.get());
                    }
                });
    }
}
