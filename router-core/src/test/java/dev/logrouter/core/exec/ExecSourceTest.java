package dev.logrouter.core.exec;

import dev.logrouter.core.testsupport.TestSpecs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.source.SourceHealth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class ExecSourceTest {

    /** Null backoffs: the config's, which these tests do not look at. */
    private static ExecSpec spec(String script, RestartPolicy restart, Duration backoffMin, Duration backoffMax) {
        ExecSpec d = TestSpecs.exec("job", List.of("sh", "-c", script), restart);
        return new ExecSpec("job", "jobsvc", d.command(), Map.of("GREETING", "hi"), null, restart,
                backoffMin == null ? d.backoffMin() : backoffMin, backoffMax == null ? d.backoffMax() : backoffMax,
                d.maxLineBytes(), Duration.ofSeconds(1), Duration.ofSeconds(2), true);
    }

    private static boolean started(LogRecord r) {
        return r.service().equals("logrouter") && r.msg().contains("started pid");
    }

    private static boolean exited(LogRecord r, int code) {
        return r.service().equals("logrouter") && Integer.valueOf(code).equals(r.fields().get("exit_code"));
    }

    @Test
    void capturesBothStreamsAndReportsTheExitCode() {
        ExecSource src = new ExecSource(spec("echo \"$GREETING out\"; echo err >&2; exit 3", RestartPolicy.NEVER, null, null));
        List<LogRecord> got = src.records().collectList().block(Duration.ofSeconds(10));
        assertThat(got).first().matches(ExecSourceTest::started);
        assertThat(got).last().matches(r -> exited(r, 3));
        assertThat(got).filteredOn(r -> r.stream().equals("stdout")).singleElement()
                .satisfies(r -> {
                    assertThat(r.msg()).isEqualTo("hi out");
                    assertThat(r.service()).isEqualTo("jobsvc");
                    assertThat(r.source()).isEqualTo("job");
                });
        assertThat(got).filteredOn(r -> r.stream().equals("stderr")).extracting(LogRecord::msg).containsExactly("err");
    }

    @Test
    void unterminatedLastLineIsKeptAsPartial() {
        ExecSource src = new ExecSource(spec("printf 'no newline'", RestartPolicy.NEVER, null, null));
        List<LogRecord> got = src.records().collectList().block(Duration.ofSeconds(10));
        assertThat(got).filteredOn(r -> r.stream().equals("stdout")).singleElement()
                .satisfies(r -> {
                    assertThat(r.msg()).isEqualTo("no newline");
                    assertThat(r.isPartial()).isTrue();
                });
    }

    @Test
    void programThatCannotStartIsReportedAndNotRestartedWithNever() {
        ExecSource src = new ExecSource(TestSpecs.exec("bad", List.of("/nonexistent/program"), RestartPolicy.NEVER));
        List<LogRecord> got = src.records().collectList().block(Duration.ofSeconds(10));
        assertThat(got).singleElement().satisfies(r -> assertThat(r.msg()).contains("cannot start"));
    }

    @Test
    void onFailureRestartsWithExponentialBackoffInVirtualTime() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ExecSource src = new ExecSource(spec("echo run; exit 1", RestartPolicy.ON_FAILURE, Duration.ofSeconds(10),
                Duration.ofSeconds(15)), vts);
        StepVerifier.withVirtualTime(src::records, () -> vts, Long.MAX_VALUE)
                .expectNextMatches(ExecSourceTest::started)
                .expectNextMatches(r -> r.msg().equals("run"))
                .expectNextMatches(r -> exited(r, 1))
                .then(() -> awaitRestartArmed(src))
                .expectNoEvent(Duration.ofSeconds(9))
                .thenAwait(Duration.ofSeconds(1))
                .expectNextMatches(ExecSourceTest::started)
                .expectNextMatches(r -> r.msg().equals("run"))
                .expectNextMatches(r -> exited(r, 1))
                .then(() -> awaitRestartArmed(src))
                // second delay doubles to 20s, capped at 15s
                .expectNoEvent(Duration.ofSeconds(14))
                .thenAwait(Duration.ofSeconds(1))
                .expectNextMatches(ExecSourceTest::started)
                .thenCancel()
                .verify(Duration.ofSeconds(20));
    }

    /**
     * The exit record and the completion that arms the restart timer come from the process's waiter
     * thread one after the other; virtual time must not advance before the timer is armed, which the
     * source's state tells.
     */
    private static void awaitRestartArmed(ExecSource src) {
        awaitRestartArmed(src, "restarting");
    }

    /** {@code restarting} after a failed run, {@code exited} after a clean one. */
    private static void awaitRestartArmed(ExecSource src, String state) {
        await("exec source armed its restart timer").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(1))
                .untilAsserted(() -> assertThat(src.health().state()).isEqualTo(state));
    }

    @Test
    void onFailureDoesNotRestartAfterSuccess() {
        ExecSource src = new ExecSource(spec("echo ok", RestartPolicy.ON_FAILURE, Duration.ofMillis(1), Duration.ofMillis(1)));
        List<LogRecord> got = src.records().collectList().block(Duration.ofSeconds(10));
        assertThat(got).filteredOn(ExecSourceTest::started).hasSize(1);
        assertThat(got).last().matches(r -> exited(r, 0));
    }

    @Test
    void alwaysRestartsAfterSuccessToo() {
        ExecSource src = new ExecSource(spec("echo ok", RestartPolicy.ALWAYS, Duration.ofMillis(1), Duration.ofMillis(5)));
        List<LogRecord> got = src.records().filter(ExecSourceTest::started).take(3).collectList()
                .block(Duration.ofSeconds(10));
        assertThat(got).hasSize(3);
        assertThat(got).extracting(r -> r.fields().get("pid")).doesNotHaveDuplicates();
    }

    @Test
    void aZeroBackoffStillRestartsThroughTheTimerAndCountsRestarts() {
        ExecSource src = new ExecSource(spec("exit 1", RestartPolicy.ON_FAILURE, Duration.ZERO, Duration.ZERO));
        List<LogRecord> got = src.records().filter(ExecSourceTest::started).take(3).collectList()
                .block(Duration.ofSeconds(10));
        assertThat(got).hasSize(3);
        assertThat(src.health().restarts()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void cancellingStopsTheProcessAndItsChildren(@TempDir Path dir) throws Exception {
        Path pids = dir.resolve("pids");
        ExecSource src = new ExecSource(spec("sleep 300 & echo $! > " + pids + "; echo ready; wait",
                RestartPolicy.ALWAYS, null, null));
        LogRecord ready = src.records().filter(r -> r.msg().equals("ready")).blockFirst(Duration.ofSeconds(10));
        assertThat(ready).isNotNull();
        long child = Long.parseLong(Files.readString(pids).trim());
        // the child's exit is the signal; a pid that is already gone has nothing to wait for
        ProcessHandle.of(child).ifPresent(h -> assertThat(h.onExit()).as("child %d ends", child)
                .succeedsWithin(Duration.ofSeconds(10)));
    }

    @Test
    void restartDelaysDoubleFromMinUpToMaxAndKeepGrowingAcrossCleanRunsInVirtualTime() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ExecSource src = new ExecSource(spec("echo run", RestartPolicy.ALWAYS, Duration.ofMillis(500),
                Duration.ofSeconds(30)), vts);
        long[] delaysMillis = {500, 1000, 2000, 4000, 8000, 16000, 30000, 30000};
        StepVerifier.Step<LogRecord> steps = StepVerifier.withVirtualTime(src::records, () -> vts, Long.MAX_VALUE)
                .expectNextMatches(ExecSourceTest::started)
                .expectNextMatches(r -> r.msg().equals("run"))
                .expectNextMatches(r -> exited(r, 0));
        for (int i = 0; i < delaysMillis.length; i++) {
            long restartsSoFar = i;
            steps = steps
                    .then(() -> awaitRestartArmed(src, "exited"))
                    .then(() -> assertThat(src.health().restarts()).isEqualTo(restartsSoFar))
                    .expectNoEvent(Duration.ofMillis(delaysMillis[i] - 1))
                    .thenAwait(Duration.ofMillis(1))
                    .expectNextMatches(ExecSourceTest::started)
                    .expectNextMatches(r -> r.msg().equals("run"))
                    .expectNextMatches(r -> exited(r, 0));
        }
        steps.then(() -> assertThat(src.health().restarts()).isEqualTo(delaysMillis.length))
                .thenCancel()
                .verify(Duration.ofSeconds(30));
    }

    @Test
    void aProgramThatCannotStartShowsAsFailedWithTheReason() {
        ExecSource src = new ExecSource(TestSpecs.exec("bad", List.of("/nonexistent/nginx"), RestartPolicy.NEVER));
        src.records().collectList().block(Duration.ofSeconds(10));
        SourceHealth h = src.health();
        assertThat(h.state()).isEqualTo("failed");
        assertThat(h.unhealthy()).isTrue();
        assertThat(h.errors()).isEqualTo(1);
        assertThat(h.lastError()).contains("cannot start [/nonexistent/nginx]").contains("No such file")
                .doesNotContain("java.").doesNotContain("Exception");
        assertThat(h.lastExitCode()).isNull();
    }

    @Test
    void aRestartLoopShowsAsRestartingAndCountsRestarts() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ExecSpec d = TestSpecs.exec("bad", List.of("/nonexistent/nginx"), RestartPolicy.ON_FAILURE);
        ExecSource src = new ExecSource(new ExecSpec("bad", null, d.command(), null, null, RestartPolicy.ON_FAILURE,
                Duration.ofSeconds(10), Duration.ofSeconds(10), d.maxLineBytes(), d.idleFlush(), d.stopTimeout(),
                true), vts);
        StepVerifier.withVirtualTime(src::records, () -> vts, Long.MAX_VALUE)
                .expectNextMatches(r -> r.msg().contains("cannot start"))
                .then(() -> {
                    assertThat(src.health().state()).isEqualTo("restarting");
                    assertThat(src.health().unhealthy()).isTrue();
                    assertThat(src.health().restarts()).isZero();
                })
                .thenAwait(Duration.ofSeconds(10))
                .expectNextMatches(r -> r.msg().contains("cannot start"))
                .then(() -> {
                    assertThat(src.health().restarts()).isEqualTo(1);
                    assertThat(src.health().errors()).isEqualTo(2);
                })
                .thenCancel()
                .verify(Duration.ofSeconds(20));
    }

    @Test
    void aCrashedChildShowsItsExitCode() {
        ExecSource src = new ExecSource(spec("exit 3", RestartPolicy.NEVER, null, null));
        src.records().collectList().block(Duration.ofSeconds(10));
        assertThat(src.health()).satisfies(h -> {
            assertThat(h.state()).isEqualTo("failed");
            assertThat(h.lastExitCode()).isEqualTo(3);
            assertThat(h.lastError()).endsWith("exited with code 3");
        });
        ExecSource clean = new ExecSource(spec("true", RestartPolicy.NEVER, null, null));
        clean.records().collectList().block(Duration.ofSeconds(10));
        assertThat(clean.health()).satisfies(h -> {
            assertThat(h.state()).isEqualTo("stopped");
            assertThat(h.unhealthy()).isFalse();
            assertThat(h.lastExitCode()).isZero();
            assertThat(h.lastError()).isNull();
        });
    }

    @Test
    void aLeadingSyslogPrioritySetsTheLevel() {
        String script = "printf '<3>disk failed\\n<4>low space\\n<html>\\nplain\\n<30>daemon info\\n'";
        List<LogRecord> got = new ExecSource(spec(script, RestartPolicy.NEVER, null, null)).records()
                .filter(r -> r.stream().equals("stdout")).collectList().block(Duration.ofSeconds(10));
        assertThat(got).extracting(LogRecord::msg)
                .containsExactly("disk failed", "low space", "<html>", "plain", "daemon info");
        assertThat(got).extracting(LogRecord::level)
                .containsExactly(Level.ERR, Level.WARNING, Level.INFO, Level.INFO, Level.INFO);
        ExecSpec d = TestSpecs.exec("job", List.of("sh", "-c", script), RestartPolicy.NEVER);
        ExecSpec off = new ExecSpec("job", "jobsvc", d.command(), null, null, RestartPolicy.NEVER, d.backoffMin(),
                d.backoffMax(), d.maxLineBytes(), d.idleFlush(), d.stopTimeout(), false);
        List<LogRecord> raw = new ExecSource(off).records().filter(r -> r.stream().equals("stdout")).collectList()
                .block(Duration.ofSeconds(10));
        assertThat(raw).extracting(LogRecord::msg).first().isEqualTo("<3>disk failed");
        assertThat(raw).extracting(LogRecord::level).containsOnly(Level.INFO);
    }
}
