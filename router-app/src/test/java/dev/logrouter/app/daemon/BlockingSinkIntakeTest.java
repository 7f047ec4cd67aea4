package dev.logrouter.app.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.app.config.ConfigLoader;
import dev.logrouter.core.net.NetSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code tcp} source feeding a TCP sink with {@code when_full: block}: the blocked source must only
 * stop reading its own sockets, never park an event loop the sink's connection needs.
 */
class BlockingSinkIntakeTest {

    private static final int SENDERS = 8;
    private static final int LINES_EACH = 2500;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aBlockingSinkSlowsTheTcpSourceWithoutDeadlockingTheSink() throws Exception {
        AtomicLong received = new AtomicLong();
        try (ServerSocket receiver = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread reader = new Thread(() -> {
                try (Socket s = receiver.accept();
                     BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
                    while (in.readLine() != null) {
                        received.incrementAndGet();
                    }
                } catch (java.io.IOException e) {
                    // the router closed the connection at the end of the test
                }
            }, "receiver");
            reader.setDaemon(true);
            reader.start();
            String yaml = """
                    sources:
                      net: { type: tcp, listen: "127.0.0.1:0", format: text }
                    sinks:
                      out: { type: tcp, endpoint: "tcp://127.0.0.1:%d/", format: json_lines,
                             buffer: { max_events: 100, when_full: block } }
                    routes:
                      - { from: [net], to: [out] }
                    """.formatted(receiver.getLocalPort());
            try (Daemon d = Daemon.start(new ConfigLoader(Map.of("LOGROUTER_RUNTIME_DIR", dir.resolve("run").toString()))
                    .parse(yaml, "block.yaml"))) {
                NetSource source = (NetSource) d.router().sources().get(0).source();
                int port = source.address().getPort();
                List<Thread> senders = new ArrayList<>();
                for (int s = 0; s < SENDERS; s++) {
                    int id = s;
                    Thread t = new Thread(() -> send(port, id), "sender-" + s);
                    t.start();
                    senders.add(t);
                }
                try {
                    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(90))
                            .pollInterval(java.time.Duration.ofMillis(50))
                            .until(() -> received.get() >= (long) SENDERS * LINES_EACH);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    // the assertion below says how many arrived
                }
                assertThat(received.get()).as("lines the receiver got (%s)", d.router().buffers().get("out"))
                        .isEqualTo((long) SENDERS * LINES_EACH);
                for (Thread t : senders) {
                    t.join(Duration.ofSeconds(30).toMillis());
                }
                assertThat(d.router().buffers().get("out").dropped()).isZero();
            }
        }
    }

    private static void send(int port, int id) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port); OutputStream out = s.getOutputStream()) {
            StringBuilder chunk = new StringBuilder();
            for (int i = 0; i < LINES_EACH; i++) {
                chunk.append("sender ").append(id).append(" line ").append(i).append('\n');
                if (chunk.length() > 8192) {
                    out.write(chunk.toString().getBytes(StandardCharsets.UTF_8));
                    chunk.setLength(0);
                }
            }
            out.write(chunk.toString().getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
