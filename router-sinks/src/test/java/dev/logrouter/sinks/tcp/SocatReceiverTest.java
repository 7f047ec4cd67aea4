package dev.logrouter.sinks.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.SinkBuffer;
import dev.logrouter.core.sink.SinkState;
import dev.logrouter.core.sink.WhenFull;
import dev.logrouter.sinks.rsyslog.InstalledReceivers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** socat as the receiver, killed with SIGKILL mid-stream and started again. */
class SocatReceiverTest {

    @TempDir
    Path dir;
    private final List<Process> started = new ArrayList<>();
    private final java.util.Map<Process, Path> logs = new java.util.HashMap<>();
    private final Scheduler scheduler = Schedulers.newBoundedElastic(4, 1000, "socat-test");

    @BeforeAll
    static void install() throws Exception {
        InstalledReceivers.ensure();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        scheduler.dispose();
    }

    private Process socat(int port, Path out) throws Exception {
        Path log = dir.resolve("socat-" + port + "-" + started.size() + ".log");
        Process p = new ProcessBuilder("socat", "-d", "-d", "-u", "TCP-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr",
                "OPEN:" + out + ",creat,append").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(p);
        logs.put(p, log);
        return p;
    }

    /** Complete lines of a file; an unterminated tail (cut by the kill) is returned separately. */
    private static List<String> completeLines(Path file, List<String> fragments) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        String s = Files.readString(file, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(s.split("\n", -1)));
        String tail = lines.remove(lines.size() - 1);
        if (!tail.isEmpty()) {
            fragments.add(tail);
        }
        return lines;
    }

    @Test
    void socatKilledMidStreamAndRestarted() throws Exception {
        int port = TcpSinkTest.freePort();
        Path out1 = dir.resolve("first.log");
        Path out2 = dir.resolve("second.log");
        Process first = socat(port, out1);
        awaitListening(port, first);
        SinkBuffer buffer = new SinkBuffer("t", new BufferSpec(5000, 64L << 20, WhenFull.DROP_OLDEST), true, scheduler);
        TcpSink sink = new TcpSink(TcpSinkTest.spec(port, Duration.ofSeconds(10)));
        Mono<Void> done = sink.write(buffer.flux()).cache();
        done.subscribe();
        int n = 40_000;
        for (int i = 1; i <= n; i++) {
            buffer.offer(TcpSinkTest.record(i));
            if (i % 500 == 0) {
                Thread.sleep(3); // kept: a paced source, so the stream spans the kill and the restart below
            }
            if (i == n / 4) {
                TcpSinkTest.await(() -> size(out1) > 50_000, Duration.ofSeconds(10), "socat to write");
                first.destroyForcibly(); // SIGKILL
                first.waitFor(10, TimeUnit.SECONDS);
            }
            if (i == n / 2) {
                awaitListening(port, socat(port, out2));
            }
        }
        buffer.close();
        done.block(Duration.ofSeconds(30));
        List<String> fragments = new ArrayList<>();
        TcpSinkTest.await(() -> {
            try {
                List<String> all = new ArrayList<>(completeLines(out1, new ArrayList<>()));
                all.addAll(completeLines(out2, new ArrayList<>()));
                return TcpSinkTest.Received.unique(all) + buffer.dropped() >= n;
            } catch (IOException e) {
                return false;
            }
        }, Duration.ofSeconds(15), "socat to write everything");
        List<String> all = new ArrayList<>(completeLines(out1, fragments));
        List<String> fromSecond = completeLines(out2, fragments);
        all.addAll(fromSecond);
        TcpSinkTest.Received got = TcpSinkTest.Received.of(all); // every complete line is one JSON object
        SinkState st = sink.state();
        assertThat(got.byCursor().size() + buffer.dropped()).isEqualTo(n);
        assertThat(got.gapLost()).isEqualTo(buffer.dropped());
        assertThat(got.duplicates()).isLessThanOrEqualTo(st.resent());
        assertThat(st.reconnects()).isGreaterThanOrEqualTo(1);
        assertThat(fromSecond).isNotEmpty();
        // the restarted receiver never starts with or ends on a piece of a line
        assertThat(Files.readString(out2)).endsWith("\n").startsWith("{");
    }

    private static long size(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** socat -d -d logs "listening on" once its socket listens (it accepts exactly one connection). */
    private void awaitListening(int port, Process p) throws Exception {
        Path log = logs.get(p);
        await("socat listening on " + port).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .failFast("socat exited", () -> !p.isAlive() && !read(log).contains("listening on"))
                .untilAsserted(() -> assertThat(read(log)).as("socat log").contains("listening on"));
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
