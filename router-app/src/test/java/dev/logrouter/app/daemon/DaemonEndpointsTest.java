package dev.logrouter.app.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.logrouter.app.config.ConfigLoader;
import dev.logrouter.app.config.RouterConfig;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon serves the configured query socket and metrics endpoint and closes them on stop. */
class DaemonEndpointsTest {

    @TempDir
    Path dir;

    private static String memlogdDump(Path sock) throws java.io.IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            ch.write(ByteBuffer.wrap(new byte[] {0}));
            return new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void queryAndMetricsFollowTheConfig() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path sock = dir.resolve("memlogdq.sock");
        String yaml = String.join("\n",
                "sources:",
                "  hello: { type: exec, command: [sh, -c, \"echo hi\"] }",
                "sinks: {}",
                "routes: []",
                "query: { socket: " + sock + ", mode: \"0600\", allow_uids: [0] }",
                "metrics: { listen: \"127.0.0.1:" + port + "\" }",
                "");
        RouterConfig c = new ConfigLoader(Map.of(ConfigLoader.RUNTIME_DIR_VARIABLE, dir.resolve("rt").toString()))
                .parse(yaml, "endpoints.yaml");
        Daemon d = Daemon.start(c);
        try {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rw-------");
            // the exec source's line reaches the journal after the start: dump again until it is there
            String dump = await("the exec line in a memlogd dump").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> memlogdDump(sock), d2 -> d2.contains("\"source\":\"hello.out\",\"msg\":\"hi\""));
            assertThat(dump).contains("{\"time\":\"").contains("\"source\":\"hello.out\",\"msg\":\"hi\"}\n");

            HttpResponse<String> m = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(m.body()).containsPattern("logrouter_query_connections_total [1-9]")
                    .contains("logrouter_source_records_total{source=\"hello\",type=\"exec\"}")
                    .containsPattern("logrouter_journal_appended_total [1-9]");
        } finally {
            d.stop(Duration.ofSeconds(2));
        }
        assertThat(sock).doesNotExist();
        try (ServerSocket again = new ServerSocket(port)) {
            assertThat(again.getLocalPort()).as("metrics port released on stop").isEqualTo(port);
        }
    }
}
