package dev.logrouter.app.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad, silent, slow and numerous clients of the query socket. */
class QuerySocketRobustnessTest {

    @RegisterExtension
    final QuerySocketFixture q = new QuerySocketFixture(1000, 64L * 1024 * 1024)
            .settings(dir -> new QuerySettings(dir.resolve("q.sock"), "0640", null, null, Duration.ofMillis(1500)));
    Journal journal;
    QueryServer server;

    @BeforeEach
    void start() {
        journal = q.journal();
        server = q.server();
    }

    private void append(int n, String prefix) {
        for (int i = 0; i < n; i++) {
            journal.append(LogRecord.of(LogRecord.now(), "src", "svc", "stderr", Level.INFO, prefix + i));
        }
    }

    @Test
    void socketFileHasTheConfiguredMode() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.socket())))
                .isEqualTo("rw-r-----");
        try (var files = Files.list(q.dir())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("q.sock");
        }
    }

    @Test
    void silentClientIsTimedOutAndDoesNotBlockOthers() throws Exception {
        append(3, "m");
        try (TestClient silent = new TestClient(server.socket())) {
            // while the silent client is connected, another client is served at once
            try (TestClient other = new TestClient(server.socket())) {
                other.send(0x00);
                assertThat(other.readAllText().lines()).hasSize(3);
            }
            assertThat(silent.readLine()).isEqualTo("{\"error\":\"no request within 1500 ms\"}");
            assertThat(silent.closedByServer()).isTrue();
        }
        assertThat(server.counters().timedOut()).isEqualTo(1);
    }

    @Test
    void unknownFirstByteGetsOneErrorLineAndClose() throws Exception {
        for (int b : new int[] {0x03, 0x7f, 0xff, 'x'}) {
            try (TestClient c = new TestClient(server.socket())) {
                c.send(b, 0x00, 0x01);
                String text = c.readAllText();
                assertThat(text).startsWith(String.format("{\"error\":\"unknown request byte 0x%02x", b))
                        .endsWith("}\n");
                assertThat(text.lines()).hasSize(1);
            }
        }
        assertThat(server.counters().badRequests()).isEqualTo(4);
    }

    @Test
    void badExtendedRequestsGetOneErrorLineAndClose() throws Exception {
        String[] bad = {"{nope", "{\"mode\":\"sideways\"}", "{\"tail\":-1}", "{\"colour\":\"red\"}",
            "{\"level\":\"loud\"}", "{\"since\":\"yesterday\"}", "{\"services\":[1]}"};
        for (String req : bad) {
            try (TestClient c = new TestClient(server.socket())) {
                c.sendLine(req);
                String text = c.readAllText();
                assertThat(text).as(req).startsWith("{\"error\":\"").endsWith("}\n");
                assertThat(text.lines()).hasSize(1);
            }
        }
        assertThat(server.counters().badRequests()).isEqualTo(bad.length);
    }

    @Test
    void oversizedRequestLineIsRefused() throws Exception {
        try (TestClient c = new TestClient(server.socket())) {
            c.out.write('{');
            c.out.write(new byte[RequestDecoder.MAX_REQUEST_BYTES + 10]);
            c.out.flush();
            assertThat(c.readLine()).startsWith("{\"error\":\"request line longer than");
        } catch (IOException reset) {
            // the server may close before the client finished writing: the count below still holds
        }
        assertThat(server.counters().badRequests()).isEqualTo(1);
    }

    @Test
    void requestSplitAcrossWritesIsAssembled() throws Exception {
        append(5, "m");
        // a server of its own with a long timeout: a cold JVM on a busy machine may be slow to read
        try (QueryServer patient = QueryServer.start(new QuerySettings(q.dir().resolve("patient.sock"), "0660", null, null,
                Duration.ofSeconds(30)), journal, null);
             TestClient c = new TestClient(patient.socket())) {
            c.out.write("{\"mode\":\"du".getBytes());
            c.out.flush();
            Thread.sleep(50); // kept: lets the server read the first half alone; nothing tells "bytes read"
            c.sendLine("mp\",\"tail\":2}");
            List<String> lines = c.readAllText().lines().toList();
            assertThat(lines).hasSize(2);
            assertThat(RecordJson.parse(lines.get(1)).msg()).isEqualTo("m4");
        }
    }

    @Test
    void dumpCompletesForAClientThatHalfClosesButAFollowerEnds() throws Exception {
        append(1000, "h");
        try (TestClient c = new TestClient(server.socket())) {
            c.send(0x00);
            c.socket.shutdownOutput(); // what socat and nc do at the end of their input
            assertThat(c.readAllText().lines()).hasSize(1000);
        }
        try (TestClient c = new TestClient(server.socket())) {
            c.send(0x01);
            awaitFollowers(1);
            c.socket.shutdownOutput();
            assertThat(c.closedByServer()).isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(journal.followerCount()).as("journal followers").isZero());
    }

    @Test
    void stalledFollowerGetsExactGapAndNeverSlowsIngest() throws Exception {
        int total = 200_000;
        String pad = "x".repeat(200);
        try (TestClient c = new TestClient(server.socket())) {
            c.send(0x01);
            awaitFollowers(1);
            // the reader reads nothing while the writer runs: every append must still complete
            for (int i = 0; i < total; i++) {
                journal.append(LogRecord.of(LogRecord.now(), "src", "svc", "stderr", Level.INFO, "f" + i + " " + pad));
            }
            long normal = 0;
            long lost = 0;
            int last = -1;
            while (last != total - 1) {
                String line = c.readLine();
                assertThat(line).isNotNull();
                String msg = line.substring(line.indexOf("\"msg\":\"") + 7, line.length() - 2);
                if (msg.startsWith("lost ")) {
                    lost += Long.parseLong(msg.split(" ")[1]);
                    continue;
                }
                int n = Integer.parseInt(msg.substring(1, msg.indexOf(' ')));
                assertThat(n).isGreaterThan(last);
                last = n;
                normal++;
            }
            assertThat(lost).isPositive();
            assertThat(normal + lost).isEqualTo(total);
            assertThat(server.counters().gapsSent()).isEqualTo(lost);
        }
    }

    @Test
    void hundredsOfFollowersEachGetEveryRecord() throws Exception {
        int followers = 300;
        List<TestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < followers; i++) {
                clients.add(new TestClient(server.socket()).send(0x01));
            }
            awaitFollowers(followers);
            append(100, "n");
            for (TestClient c : clients) {
                List<String> lines = c.readLines(100);
                assertThat(lines).hasSize(100);
                assertThat(lines.get(0)).contains("\"msg\":\"n0\"");
                assertThat(lines.get(99)).contains("\"msg\":\"n99\"");
            }
        } finally {
            for (TestClient c : clients) {
                c.close();
            }
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(journal.followerCount()).as("disconnected followers are released")
                        .isZero());
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(server.counters().active()).as("active connections").isZero());
    }

    @Test
    void closingTheServerDisconnectsFollowersAndRemovesTheSocket() throws Exception {
        try (TestClient c = new TestClient(server.socket())) {
            c.send(0x01);
            awaitFollowers(1);
            server.close();
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(server.socket()).doesNotExist();
    }

    @Test
    void staleSocketFileIsReplacedButALiveServerIsNot() throws Exception {
        assertThatThrownBy(() -> QueryServer.start(new QuerySettings(server.socket(), "0660", null, null, null),
                journal, null))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("another process");
        Path stale = q.dir().resolve("stale.sock");
        QueryServer first = QueryServer.start(new QuerySettings(stale, "0660", null, null, null), journal, null);
        // simulate a crash: the listener goes away, the file stays
        Path keep = q.dir().resolve("keep.sock");
        Files.createLink(keep, stale);
        first.close();
        Files.move(keep, stale);
        assertThat(stale).exists();
        try (QueryServer second = QueryServer.start(new QuerySettings(stale, "0660", null, null, null), journal, null)) {
            append(1, "s");
            try (TestClient c = new TestClient(stale)) {
                c.send(0x00);
                assertThat(c.readAllText()).contains("\"msg\":\"s0\"");
            }
        }
        Files.writeString(q.dir().resolve("plain"), "x");
        assertThatThrownBy(() -> QueryServer.start(new QuerySettings(q.dir().resolve("plain"), "0660", null, null,
                null), journal, null))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("not a socket");
    }

    private void awaitFollowers(int n) throws InterruptedException {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(journal.followerCount()).as("journal followers")
                        .isGreaterThanOrEqualTo(n));
    }
}
