package dev.logrouter.app.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.JournalSpec;
import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The memlogd side of the query socket, over a real AF_UNIX socket. */
class MemlogdProtocolTest {

    private static final long T0 = 1719948171L * 1_000_000_000L;

    @TempDir
    Path dir;
    @RegisterExtension
    final QuerySocketFixture q = new QuerySocketFixture(100_000, 256L * 1024 * 1024);
    Journal journal;
    QueryServer server;

    @BeforeEach
    void start() {
        journal = q.journal();
        server = q.server();
    }

    private static LogRecord rec(long time, String service, String stream, String msg) {
        return LogRecord.of(time, "services", service, stream, Level.INFO, msg);
    }

    @Test
    void dumpIsGoldenBytesThenClose() throws Exception {
        journal.append(rec(T0 + 974_497_577L, "hello", "stdout", "out-line"));
        journal.append(rec(T0 + 500_000_000L, "hello", "stderr", "err-line"));
        journal.append(rec(T0, "kernel", "kernel", "no fraction"));
        journal.append(rec(T0 + 1_000L, "web", "stdout", "a<b>&c\"\\\t\n\r\b\f\u0001\u001f\u007f é 😀 \u2028 \ufffd")
                .withFields(Map.of(FieldNames.MEMLOGD_NAME, "onboot.001-dhcpcd;x")));
        try (TestClient c = new TestClient(server.socket())) {
            c.send(0x00);
            String expected = ""
                    + "{\"time\":\"2024-07-02T19:22:51.974497577Z\",\"source\":\"hello.out\",\"msg\":\"out-line\"}\n"
                    + "{\"time\":\"2024-07-02T19:22:51.5Z\",\"source\":\"hello\",\"msg\":\"err-line\"}\n"
                    + "{\"time\":\"2024-07-02T19:22:51Z\",\"source\":\"kernel\",\"msg\":\"no fraction\"}\n"
                    + "{\"time\":\"2024-07-02T19:22:51.000001Z\",\"source\":\"onboot.001-dhcpcd;x\",\"msg\":"
                    + "\"a\\u003cb\\u003e\\u0026c\\\"\\\\\\t\\n\\r\\b\\f\\u0001\\u001f\u007f é 😀 \\u2028 \\ufffd\"}\n";
            assertThat(c.readAll()).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void logreadLineEscapesSemicolonInSourceOnly() {
        LogRecord r = rec(T0 + 974_497_577L, "a;b", "stdout", "x;y\tz");
        assertThat(MemlogdFormat.logreadLine(r)).isEqualTo("2024-07-02T19:22:51.974497577Z;a\\;b.out;x;y\tz\n");
    }

    @Test
    void emptyJournalDumpClosesAtOnce() throws Exception {
        try (TestClient c = new TestClient(server.socket())) {
            c.send(0x00);
            assertThat(c.readAll()).isEmpty();
        }
    }

    @Test
    void followSendsOnlyNewRecords() throws Exception {
        journal.append(rec(T0, "old", "stderr", "before"));
        try (TestClient c = new TestClient(server.socket())) {
            c.send(0x01);
            awaitFollowers(1);
            journal.append(rec(T0 + 1, "new", "stderr", "after"));
            assertThat(c.readLine()).isEqualTo(
                    "{\"time\":\"2024-07-02T19:22:51.000000001Z\",\"source\":\"new\",\"msg\":\"after\"}");
        }
    }

    /** 0x02 while a writer appends: every record after the first one seen, in order, once. */
    @Test
    void dumpThenFollowHasNoGapAndNoDuplicateAtTheSeamUnderConcurrentWrites() throws Exception {
        for (int round = 0; round < 8; round++) {
            int total = 10_000;
            try (Journal j = Journal.create(new JournalSpec(total, 64L * 1024 * 1024));
                 QueryServer s = QueryServer.start(new QuerySettings(dir.resolve("seam" + round + ".sock"), "0660",
                         null, null, null), j, null)) {
                AtomicLong next = new AtomicLong();
                Thread writer = new Thread(() -> {
                    for (int i = 0; i < total; i++) {
                        j.append(rec(T0 + i, "w", "stderr", "m" + i));
                        next.set(i + 1);
                    }
                });
                writer.start();
                // connect at a different point of the stream each round
                long connectAt = (long) total * (round + 1) / 10;
                while (next.get() < connectAt) {
                    Thread.onSpinWait();
                }
                List<Integer> seen = new ArrayList<>();
                try (TestClient c = new TestClient(s.socket())) {
                    c.send(0x02);
                    while (seen.isEmpty() || seen.get(seen.size() - 1) < total - 1) {
                        String line = c.readLine();
                        assertThat(line).isNotNull();
                        int at = line.indexOf("\"msg\":\"m");
                        seen.add(Integer.parseInt(line.substring(at + 8, line.length() - 2)));
                    }
                } finally {
                    writer.join();
                }
                // the ring holds the whole run, so the dump starts at the first record
                for (int i = 0; i < seen.size(); i++) {
                    assertThat(seen.get(i)).as("round %d position %d", round, i).isEqualTo(i);
                }
                assertThat(seen).hasSize(total);
            }
        }
    }

    private void awaitFollowers(int n) throws InterruptedException {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(journal.followerCount()).as("journal followers")
                        .isGreaterThanOrEqualTo(n));
    }
}
