package dev.logrouter.app.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logrouter.app.config.ConfigException;
import dev.logrouter.app.config.ConfigLoader;
import dev.logrouter.app.config.RouterConfig;
import dev.logrouter.app.query.ReloadReport;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one reload path of a daemon: a reload asked on the query socket and one asked by SIGHUP (the
 * path {@code run} takes) never run at the same time, and an invalid config is answered with
 * {@code check}'s lines while the running config stays.
 */
class ConfigReloadTest {

    @TempDir
    Path dir;

    private RouterConfig config(String yaml) throws ConfigException {
        return new ConfigLoader(Map.of("LOGROUTER_RUNTIME_DIR", dir.toString())).parse(yaml, "test.yaml");
    }

    private static final String VALID = """
            sources:
              a: { type: exec, command: [sh, -c, "exec sleep 300"] }
            sinks:
              out: { type: console }
            routes:
              - to: [out]
            """;

    /** A reload request on the query socket, as {@code logrouter reload} sends it; the answer line. */
    private static String askOverSocket(Path socket) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap("{\"reload\":true}\n".getBytes(StandardCharsets.UTF_8)));
            return new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    @Test
    void aSocketRequestAndASignalReloadOneAfterTheOther() throws Exception {
        RouterConfig first = config(VALID);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        AtomicInteger reads = new AtomicInteger();
        CountDownLatch firstReadEntered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ConfigReload.ConfigFile file = () -> {
            int now = inside.incrementAndGet();
            mostInside.accumulateAndGet(now, Math::max);
            try {
                if (reads.incrementAndGet() == 1) {
                    firstReadEntered.countDown();
                    // hold the first reload until the second one has been asked for
                    assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                }
                return config(VALID);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                inside.decrementAndGet();
            }
        };
        try (Daemon d = Daemon.start(first, file, Duration.ofSeconds(1))) {
            AtomicReference<String> answer = new AtomicReference<>();
            CompletableFuture<Void> socketAsk = CompletableFuture.runAsync(() -> {
                try {
                    answer.set(askOverSocket(first.query().socket()));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(firstReadEntered.await(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<ReloadReport> signal = d.reloads().request("SIGHUP");
            release.countDown();
            ReloadReport bySignal = signal.get(30, TimeUnit.SECONDS);
            socketAsk.get(30, TimeUnit.SECONDS);

            assertThat(reads.get()).isEqualTo(2);
            assertThat(mostInside.get()).as("reloads running at once").isEqualTo(1);
            assertThat(bySignal.ok()).isTrue();
            assertThat(bySignal.kept()).containsExactly("sink out", "source a");
            ReloadReport bySocket = ReloadReport.parse(answer.get());
            assertThat(bySocket.ok()).isTrue();
            assertThat(bySocket.file()).isEqualTo("test.yaml");
            assertThat(bySocket.kept()).containsExactly("sink out", "source a");
        }
    }

    @Test
    void anInvalidConfigIsAnsweredWithCheckLinesAndTheRunningConfigStays() throws Exception {
        RouterConfig first = config(VALID);
        String broken = VALID.replace("out: { type: console }", "out: { type: console, formt: text }");
        ConfigException expected = null;
        try {
            config(broken);
        } catch (ConfigException e) {
            expected = e;
        }
        assertThat(expected).isNotNull();
        List<String> checkLines = expected.problems().stream().map(p -> p.format("test.yaml")).toList();
        try (Daemon d = Daemon.start(first, () -> config(broken), Duration.ofSeconds(1))) {
            ReloadReport r = ReloadReport.parse(askOverSocket(first.query().socket()));
            assertThat(r.ok()).isFalse();
            assertThat(r.errors()).isEqualTo(checkLines)
                    .anyMatch(l -> l.startsWith("test.yaml:4:25: sinks.out.formt: ") && l.contains("formt"));
            assertThat(d.config()).isSameAs(first);
            assertThat(d.router().sources()).hasSize(1);
        }
    }

    @Test
    void aConfigWithoutSourcesIsRefused() throws Exception {
        RouterConfig first = config(VALID);
        try (Daemon d = Daemon.start(first, () -> config("{}\n"), Duration.ofSeconds(1))) {
            ReloadReport r = d.reloads().reload("SIGHUP");
            assertThat(r.ok()).isFalse();
            assertThat(r.errors()).containsExactly("test.yaml: " + ConfigReload.NO_SOURCES);
            assertThat(d.config()).isSameAs(first);
        }
    }

    @Test
    void aDaemonWithoutAConfigFileAnswersAReloadWithAnError() throws Exception {
        RouterConfig first = config(VALID);
        try (Daemon d = Daemon.start(first)) {
            String line = askOverSocket(first.query().socket());
            assertThat(new ObjectMapper().readTree(line).path("error").asText())
                    .isEqualTo("reload is not available on this server");
            assertThat(d.reloads()).isNull();
        }
    }
}
