package dev.logrouter.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a real {@code logrouter run} tells an operator on stderr and through its ready signal: a
 * readiness file scripts can wait on, a {@code write} that waits for a router still starting, a source
 * that cannot start, and records a stop could not deliver.
 */
class OperatorSignalsTest {

    @TempDir
    Path dir;

    static void await(BooleanSupplier cond, long seconds, String what) throws InterruptedException {
        Awaitility.await(what).atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(20))
                .until(cond::getAsBoolean);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aWriteStartedBeforeTheRouterWaitsForItsSocketAndTheReadyFileMeansReady() throws Exception {
        Path f = dir.resolve("intake.yaml");
        Path sock = dir.resolve("log.sock");
        Files.writeString(f, """
                sources:
                  services: { type: fd_socket, path: %s }
                sinks:
                  console: { type: console }
                routes:
                  - to: [console]
                """.formatted(sock));
        Path ready = dir.resolve("ready");
        // the writer first: the socket does not exist yet
        try (RouterProcess write = RouterProcess.start(dir, "write", "-c", f.toString(), "-n", "greeter",
                "--", "sh", "-c", "echo from-writer");
             RouterProcess run = RouterProcess.start(dir, "run", "-c", f.toString(), "--ready-file",
                     ready.toString())) {
            await(() -> Files.exists(ready) || !run.process.isAlive(), 60, "the ready file");
            assertThat(sock).as("bound when ready").exists();
            assertThat(Files.readString(ready).trim()).isEqualTo(Long.toString(run.process.pid()));
            assertThat(write.waitFor(60)).as("write err: %s", write.err).isZero();
            assertThat(run.awaitOut(l -> l.contains("greeter") && l.endsWith("from-writer"), 30)).isNotNull();
            run.process.toHandle().destroy();
            assertThat(run.waitFor(30)).isZero();
            assertThat(ready).as("removed at stop").doesNotExist();
        }
    }

    @Test
    void aSourceThatCannotStartAndRecordsLostAtStopAreOnStderr() throws Exception {
        Path f = dir.resolve("down.yaml");
        Files.writeString(f, """
                sources:
                  web: { type: exec, command: [/nonexistent/nginx] }
                  gen: { type: exec, command: [sh, -c, "i=0; while [ $i -lt 50 ]; do echo line $i; i=$((i+1)); done; exec sleep 300"] }
                sinks:
                  ship: { type: tcp, endpoint: "tcp://127.0.0.1:%d/", backoff_min: 50ms, backoff_max: 100ms }
                routes:
                  - { from: [gen], to: [ship] }
                """.formatted(freePort()));
        try (RouterProcess run = RouterProcess.start(dir, "run", "-c", f.toString(), "--drain-timeout", "300ms",
                "--ready-file", dir.resolve("ready").toString())) {
            await(() -> run.err.stream().anyMatch(l -> l.contains("exec web: cannot start [/nonexistent/nginx]")),
                    60, "the failed start on stderr");
            await(() -> Files.exists(dir.resolve("ready")), 60, "ready");
            // the 50 lines and gen's start record are held for the refused sink
            run.process.toHandle().destroy();
            assertThat(run.waitFor(30)).isZero();
            assertThat(run.err).as("stderr").anyMatch(l -> l.matches(
                    ".*sink ship: \\d+ records not delivered at shutdown \\(counted as dropped\\)"));
            String lost = run.err.stream().filter(l -> l.contains("sink ship:")).findFirst().orElseThrow();
            long n = Long.parseLong(lost.replaceAll(".*sink ship: (\\d+) records.*", "$1"));
            assertThat(n).isGreaterThanOrEqualTo(50);
        }
    }
}
