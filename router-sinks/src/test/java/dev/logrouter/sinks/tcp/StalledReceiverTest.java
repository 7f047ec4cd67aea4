package dev.logrouter.sinks.tcp;

import dev.logrouter.sinks.testsupport.TestSpecs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.SinkBuffer;
import dev.logrouter.core.sink.SinkState;
import dev.logrouter.core.sink.WhenFull;
import dev.logrouter.sinks.net.Endpoint;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A real receiver (socat) that stops reading (SIGSTOP: its Recv-Q fills, then the router's send queue),
 * is SIGKILLed while stalled and started again: every record is received or counted as dropped, and
 * every duplicate is a counted re-send.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StalledReceiverTest {

    @TempDir
    Path dir;
    private final List<Process> started = new ArrayList<>();
    private final Scheduler scheduler = Schedulers.newBoundedElastic(4, 1000, "stall-test");

    @BeforeAll
    static void install() throws Exception {
        InstalledReceivers.ensure();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Process p : started) {
            if (p.isAlive()) {
                new ProcessBuilder("kill", "-CONT", Long.toString(p.pid())).start().waitFor();
            }
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        scheduler.dispose();
    }

    /** socat receiving one connection into a file; {@code rcvbuf} > 0 fixes its receive buffer. */
    private Process socat(int port, Path out, int rcvbuf) throws Exception {
        Path log = dir.resolve("socat-" + started.size() + ".log");
        String listen = "TCP-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr" + (rcvbuf > 0 ? ",rcvbuf=" + rcvbuf : "");
        Process p = new ProcessBuilder("socat", "-d", "-d", "-u", listen, "OPEN:" + out + ",creat,append")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(p);
        TcpSinkTest.await0(() -> {
            try {
                assertThat(p.isAlive()).as("socat running").isTrue();
                return Files.readString(log).contains("listening on");
            } catch (IOException e) {
                return false;
            }
        }, Duration.ofSeconds(20), "socat listening");
        return p;
    }

    /** Bytes waiting unread in the receiving socket of a connection to {@code port} (Recv-Q). */
    static long recvQ(int port) {
        try {
            Process p = new ProcessBuilder("ss", "-Htn", "state", "established", "sport", "= :" + port)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(5, TimeUnit.SECONDS);
            long max = 0;
            for (String line : out.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 2 && f[0].matches("\\d+")) {
                    max = Math.max(max, Long.parseLong(f[0]));
                }
            }
            return max;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> completeLines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        String s = Files.readString(file, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(s.split("\n", -1)));
        lines.remove(lines.size() - 1); // the piece of a line cut by the kill, if any
        return lines;
    }

    /**
     * A receiver with a 1 MiB receive buffer (2 MiB of kernel memory) stalls until both kernels are
     * full, then dies: everything it never read is within the default window and is re-sent.
     */
    @Test
    void stalledThenKilledReceiverGetsEverythingReSent() throws Exception {
        run(1024 * 1024, -1, false, 500_000);
    }

    /**
     * The same with a receiver that asked for a 4 MiB receive buffer (8 MiB of kernel memory) and
     * holds more unread than the old fixed 4 MiB window: the default window covers what a receiver on
     * this host can hold unread, so everything is re-sent (on the old code about 20,000 records were
     * missing, uncounted).
     */
    @Test
    void receiverWithALargeReceiveBufferGetsEverythingReSent() throws Exception {
        assertThat(TcpSinkSpec.defaultResendBytes()).isGreaterThanOrEqualTo(TcpSinkSpec.receiveBufferBound());
        run(4 * 1024 * 1024, -1, false, 5_000_000);
    }

    /**
     * A window far smaller than what the receiver holds unread, and a receiver that never reads
     * before it dies: what left the window cannot be re-sent, so it is counted as dropped and
     * announced by a gap record; every record is received or counted, exactly (the receiver read
     * none of them). On the old code they were only named in a warning, not counted.
     */
    @Test
    void recordsBeyondAWindowTooSmallAreCountedAndAnnounced() throws Exception {
        run(4 * 1024 * 1024, 256 * 1024, true, 3_000_000);
    }

    /**
     * @param neverReads the receiver is stopped before the sink connects, so it reads nothing on the
     *                   first connection (else it reads 4 MB first)
     * @param unread     Recv-Q bytes to reach before the receiver is killed
     */
    private void run(int rcvbuf, long resendBytes, boolean neverReads, long unread) throws Exception {
        int port = TcpSinkTest.freePort();
        Path out1 = dir.resolve("first.log");
        Path out2 = dir.resolve("second.log");
        Process first = socat(port, out1, rcvbuf);
        if (neverReads) {
            new ProcessBuilder("kill", "-STOP", Long.toString(first.pid())).start().waitFor();
        }
        SinkBuffer buffer = new SinkBuffer("t", new BufferSpec(400_000, 256L << 20, WhenFull.DROP_OLDEST), true,
                scheduler);
        TcpSink sink = new TcpSink(TestSpecs.tcp("t", new Endpoint("tcp", "127.0.0.1", port),
                TcpSinkTest.jsonWithCursor(), 256, Duration.ofMillis(5), Duration.ofMillis(20),
                Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(60), resendBytes, null));
        Mono<Void> done = sink.write(buffer.flux()).cache();
        done.subscribe();
        int n = 200_000;
        int i = 1;
        if (!neverReads) {
            for (; i <= 40_000; i++) {
                buffer.offer(TcpSinkTest.record(i));
            }
            TcpSinkTest.await(() -> Files.exists(out1) && size(out1) > 4_000_000, Duration.ofSeconds(20),
                    "the receiver to read before it stalls");
            new ProcessBuilder("kill", "-STOP", Long.toString(first.pid())).start().waitFor();
        }
        // keep writing until the receiver's kernel buffer is full and the sink cannot write any more
        while (i <= 170_000) {
            for (int k = 0; k < 1000; k++, i++) {
                buffer.offer(TcpSinkTest.record(i));
            }
            Thread.sleep(2);
            if (i > 100_000 && buffer.depth() > 20_000 && recvQ(port) > unread) {
                break;
            }
        }
        // under load the sink may still be filling the receiver's buffer: wait for the stall the scenario
        // needs (the unread bytes no longer grow), then top the buffer up, since what the kernel took
        // meanwhile left it (the depth read at the loop's end is not the depth once stalled)
        awaitQuietly(() -> recvQ(port) > unread, Duration.ofSeconds(30), "the receiver's buffer full");
        long[] seen = {recvQ(port)};
        try {
            // polled every 200 ms: the same figure twice in a row
            org.awaitility.Awaitility.await("the receiver's unread bytes to stop growing").atMost(Duration.ofSeconds(30))
                    .pollDelay(Duration.ofMillis(200)).pollInterval(Duration.ofMillis(200)).until(() -> {
                        long now = recvQ(port);
                        boolean still = now == seen[0];
                        seen[0] = now;
                        return still;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            System.out.println(e.getMessage());
        }
        while (buffer.depth() <= 20_000 && i <= 190_000) {
            for (int k = 0; k < 1000; k++, i++) {
                buffer.offer(TcpSinkTest.record(i));
            }
        }
        long q = recvQ(port);
        assertThat(q).as("receiver's unread bytes, buffer depth " + buffer.depth() + " at record " + i).isGreaterThan(unread);
        assertThat(buffer.depth()).as("records the stalled sink could not take, at record " + i + ", recvQ " + q).isGreaterThan(20_000);
        first.destroyForcibly(); // SIGKILL while stopped: the kernel resets the connection
        first.waitFor(10, TimeUnit.SECONDS);
        socat(port, out2, 0);
        for (; i <= n; i++) {
            buffer.offer(TcpSinkTest.record(i));
        }
        buffer.close();
        done.block(Duration.ofSeconds(60));
        awaitQuietly(() -> {
            try {
                return received(out1, out2).byCursor().size() + buffer.dropped() + sink.state().dropped() >= n;
            } catch (IOException e) {
                return false;
            }
        }, Duration.ofSeconds(20), "the receiver to get every record not counted as dropped");
        TcpSinkTest.Received got = received(out1, out2);
        SinkState st = sink.state();
        String info = "recvQ at kill " + q + ", " + st + ", buffer dropped " + buffer.dropped();
        assertThat(buffer.dropped()).as(info).isZero();
        // produced == delivered + counted drops, exactly
        assertThat(got.byCursor().size() + buffer.dropped() + st.dropped()).as(info).isEqualTo(n);
        // every drop is announced by gap records
        assertThat(got.gapLost()).as(info).isEqualTo(buffer.dropped() + st.dropped());
        // every duplicate is a counted re-send
        assertThat(got.duplicates()).as(info).isLessThanOrEqualTo(st.resent());
        assertThat(st.resent()).as(info).isPositive();
        if (resendBytes < 0) {
            assertThat(st.dropped()).as(info).isZero();
        } else {
            assertThat(st.dropped()).as("records beyond the window are counted: " + info).isPositive();
        }
        // every record taken from the buffer was written once or dropped (the buffer dropped none)
        assertThat(st.written() + st.dropped()).as(info).isEqualTo(buffer.delivered());
    }

    private static TcpSinkTest.Received received(Path out1, Path out2) throws IOException {
        List<String> all = new ArrayList<>(completeLines(out1));
        all.addAll(completeLines(out2));
        return TcpSinkTest.Received.of(all);
    }

    /** Waits for a condition; the assertions after it report what is missing when it never holds. */
    private static void awaitQuietly(java.util.function.BooleanSupplier cond, Duration max, String what)
            throws InterruptedException {
        try {
            TcpSinkTest.await(cond, max, what);
        } catch (AssertionError timedOut) {
            System.out.println(timedOut.getMessage());
        }
    }

    private static long size(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
