package dev.logrouter.sinks.tcp;

import dev.logrouter.sinks.testsupport.TestSpecs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.record.LogRecord;
import dev.logrouter.sinks.net.Endpoint;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

/** TLS against a real TLS server, with a CA, server and client certificates made by openssl for the test. */
class TcpSinkTlsTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void makeCertificates() throws Exception {
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        for (String ca : List.of("ca", "otherca")) {
            run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", ca + ".key", "-out",
                    ca + ".pem", "-days", "2", "-subj", "/CN=logrouter test " + ca);
        }
        for (String leaf : List.of("server", "client")) {
            run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", leaf + ".key", "-out", leaf + ".csr",
                    "-subj", "/CN=" + leaf);
            run("openssl", "x509", "-req", "-in", leaf + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                    "-CAcreateserial", "-out", leaf + ".pem", "-days", "2", "-extfile", leaf + ".ext");
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    }

    /** A TLS line receiver that requires a client certificate signed by the test CA. */
    private static DisposableServer server(List<String> lines) throws Exception {
        SslContext ctx = SslContextBuilder.forServer(dir.resolve("server.pem").toFile(), dir.resolve("server.key").toFile())
                .trustManager(dir.resolve("ca.pem").toFile()).clientAuth(ClientAuth.REQUIRE).build();
        return TcpServer.create().host("127.0.0.1").port(0).secure(s -> s.sslContext(ctx))
                .handle((in, out) -> {
                    ByteArrayOutputStream partial = new ByteArrayOutputStream();
                    return in.receive().asByteArray().doOnNext(b -> {
                        for (byte x : b) {
                            if (x == '\n') {
                                lines.add(partial.toString(StandardCharsets.UTF_8));
                                partial.reset();
                            } else {
                                partial.write(x);
                            }
                        }
                    }).then();
                }).bindNow();
    }

    private static TcpSinkSpec spec(int port, TlsSpec tls) {
        return TestSpecs.tcp("tls", new Endpoint("tcp", "127.0.0.1", port), TcpSinkTest.jsonWithCursor(), 128,
                Duration.ofMillis(5), Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(2),
                Duration.ofSeconds(5), -1, tls);
    }

    private static List<LogRecord> records(int n) {
        List<LogRecord> rs = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            rs.add(TcpSinkTest.record(i));
        }
        return rs;
    }

    @Test
    void mutualTlsWithVerifiedServerCertificateDeliversEverything() throws Exception {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        DisposableServer server = server(lines);
        try {
            TcpSink sink = new TcpSink(spec(server.port(), new TlsSpec(dir.resolve("ca.pem"), dir.resolve("client.pem"),
                    dir.resolve("client.key"), true)));
            sink.write(Flux.fromIterable(records(2000))).block(Duration.ofSeconds(20));
            try {
                TcpSinkTest.await(() -> lines.size() >= 2000, Duration.ofSeconds(30), "tls lines");
            } catch (AssertionError e) {
                throw new AssertionError(lines.size() + " of 2000 lines arrived; sink state " + sink.state(), e);
            }
            TcpSinkTest.Received got = TcpSinkTest.Received.of(new ArrayList<>(lines));
            assertThat(got.byCursor()).hasSize(2000);
            assertThat(got.duplicates()).isZero();
            assertThat(sink.state().written()).isEqualTo(2000);
        } finally {
            server.disposeNow();
        }
    }

    @Test
    void untrustedServerCertificateIsRefusedAndNothingIsSent() throws Exception {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        DisposableServer server = server(lines);
        try {
            TcpSink sink = new TcpSink(spec(server.port(), new TlsSpec(dir.resolve("otherca.pem"),
                    dir.resolve("client.pem"), dir.resolve("client.key"), true)));
            Disposable running = sink.write(Flux.fromIterable(records(10)).concatWith(Flux.never())).subscribe();
            TcpSinkTest.await(() -> sink.state().lastError() != null, Duration.ofSeconds(10), "a handshake failure");
            running.dispose();
            assertThat(sink.state().lastError()).containsIgnoringCase("certif");
            assertThat(sink.state().written()).isZero();
            assertThat(sink.state().dropped()).isEqualTo(10);
            assertThat(lines).isEmpty();
        } finally {
            server.disposeNow();
        }
    }

    @Test
    void missingTlsFilesAreAClearError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TcpSink(spec(1,
                new TlsSpec(dir.resolve("nope.pem"), null, null, true)))).hasMessageContaining("tls");
    }
}
