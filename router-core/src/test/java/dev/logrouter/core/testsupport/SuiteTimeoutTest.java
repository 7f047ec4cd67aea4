package dev.logrouter.core.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * The suite's timeout settings ({@code junit-platform.properties}) turn a deadlocked test into a failure
 * with a thread dump, and the suite goes on. Proven on a nested run of a test that deadlocks on purpose.
 */
class SuiteTimeoutTest {

    /** Not picked up by Surefire (nested); run only through the engine below. */
    static class Deadlocks {
        @Test
        void twoThreadsTakeTwoLocksInOppositeOrder() throws Exception {
            Object a = new Object();
            Object b = new Object();
            CountDownLatch bothHeld = new CountDownLatch(2);
            Thread first = lockBoth("deadlock-first", a, b, bothHeld);
            Thread second = lockBoth("deadlock-second", b, a, bothHeld);
            first.join();
            second.join();
        }

        private static Thread lockBoth(String name, Object one, Object two, CountDownLatch bothHeld) {
            Thread t = new Thread(() -> {
                synchronized (one) {
                    bothHeld.countDown();
                    try {
                        bothHeld.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    synchronized (two) {
                        two.notifyAll();
                    }
                }
            }, name);
            t.setDaemon(true);
            t.start();
            return t;
        }
    }

    @Test
    void aDeadlockedTestFailsWithAThreadDumpInsteadOfHangingTheSuite() throws Exception {
        Properties suite = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/junit-platform.properties")) {
            suite.load(in);
        }
        assertThat(suite).containsKeys("junit.jupiter.execution.timeout.default",
                "junit.jupiter.execution.timeout.thread.mode.default",
                "junit.jupiter.execution.timeout.threaddump.enabled");
        ByteArrayOutputStream dump = new ByteArrayOutputStream();
        PrintStream out = System.out;
        Events tests;
        try {
            System.setOut(new PrintStream(dump, true, StandardCharsets.UTF_8));
            EngineTestKit.Builder engine = EngineTestKit.engine("junit-jupiter").selectors(selectClass(Deadlocks.class));
            suite.forEach((k, v) -> engine.configurationParameter((String) k, (String) v));
            // the suite's settings, with a deadline short enough for this test
            tests = engine.configurationParameter("junit.jupiter.execution.timeout.default", "1 s")
                    .execute().testEvents();
        } finally {
            System.setOut(out);
        }
        tests.assertStatistics(s -> s.started(1).failed(1));
        Throwable failure = tests.failed().stream().findFirst().orElseThrow()
                .getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class).getThrowable().orElseThrow();
        assertThat(failure).isInstanceOf(TimeoutException.class).hasMessageContaining("timed out after 1 second");
        assertThat(dump.toString(StandardCharsets.UTF_8))
                .contains("deadlock-first")
                .contains("deadlock-second")
                .contains("twoThreadsTakeTwoLocksInOppositeOrder");
    }
}
