package dev.logrouter.app.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.app.status.StatusReport;
import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.ReadMode;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extended JSON request protocol of the query socket. */
class ExtendedProtocolTest {

    private static final long T0 = 1719948171L * 1_000_000_000L;

    private static final StatusReport REPORT = new StatusReport(7, List.of(), List.of(),
            new StatusReport.JournalStatus(1, 2, 3, 4, null, 5, 6, 7, 8, 9, 10), null);

    @RegisterExtension
    final QuerySocketFixture q = new QuerySocketFixture(10_000, 64L * 1024 * 1024).status(() -> REPORT);
    Journal journal;
    QueryServer server;

    @BeforeEach
    void start() {
        journal = q.journal();
        server = q.server();
        for (int i = 0; i < 30; i++) {
            String service = i % 3 == 0 ? "web-" + i : i % 3 == 1 ? "db" : "kernel";
            Level level = i % 5 == 0 ? Level.ERR : Level.INFO;
            LogRecord r = LogRecord.of(T0 + i * 1_000_000_000L, "src", service, i % 3 == 2 ? "kernel" : "stdout",
                    level, "m" + i);
            if (i % 3 == 2) {
                r = r.withFields(Map.of("facility", "kern", "seq", (long) i));
            }
            journal.append(r);
        }
    }

    private List<LogRecord> query(String request) throws Exception {
        try (TestClient c = new TestClient(server.socket())) {
            c.sendLine(request);
            List<LogRecord> out = new ArrayList<>();
            for (String line : c.readAllText().lines().toList()) {
                out.add(RecordJson.parse(line));
            }
            return out;
        }
    }

    private static List<String> msgs(List<LogRecord> rs) {
        return rs.stream().map(LogRecord::msg).toList();
    }

    @Test
    void dumpReturnsFullRecordsWithCursor() throws Exception {
        List<LogRecord> all = query("{\"mode\":\"dump\"}");
        assertThat(all).hasSize(30);
        assertThat(all.get(0).cursor()).isEqualTo(1);
        assertThat(all.get(29).cursor()).isEqualTo(30);
        LogRecord k = all.get(2);
        assertThat(k.service()).isEqualTo("kernel");
        assertThat(k.stream()).isEqualTo("kernel");
        assertThat(k.time()).isEqualTo(T0 + 2_000_000_000L);
        assertThat(k.fields()).containsEntry("facility", "kern").containsEntry("seq", 2L);
        assertThat(query("{}")).hasSize(30);
    }

    @Test
    void filtersCombine() throws Exception {
        assertThat(msgs(query("{\"services\":[\"web-*\"],\"tail\":3}"))).containsExactly("m21", "m24", "m27");
        assertThat(msgs(query("{\"level\":\"err\"}"))).containsExactly("m0", "m5", "m10", "m15", "m20", "m25");
        assertThat(msgs(query("{\"services\":[\"db\",\"web-1?\"],\"level\":\"error\",\"tail\":2}")))
                .containsExactly("m15", "m25");
        assertThat(msgs(query("{\"since\":\"2024-07-02T19:23:18Z\"}"))).containsExactly("m27", "m28", "m29");
        assertThat(msgs(query("{\"streams\":[\"kernel\"],\"fields\":{\"seq\":11}}"))).containsExactly("m11");
        assertThat(msgs(query("{\"sources\":[\"other\"]}"))).isEmpty();
        assertThat(msgs(query("{\"tail\":2}"))).containsExactly("m28", "m29");
    }

    @Test
    void dumpFollowWithTailAndFilterContinuesAfterTheSeam() throws Exception {
        try (TestClient c = new TestClient(server.socket())) {
            c.sendLine(QueryRequest.read(ReadMode.DUMP_THEN_FOLLOW, 2).toJson()
                    .replace("}", ",\"services\":[\"db\"]}"));
            List<String> got = new ArrayList<>();
            for (String l : c.readLines(2)) {
                got.add(RecordJson.parse(l).msg());
            }
            assertThat(got).containsExactly("m25", "m28");
            journal.append(LogRecord.of(T0, "src", "web-x", "stdout", Level.INFO, "skip"));
            journal.append(LogRecord.of(T0, "src", "db", "stdout", Level.INFO, "new"));
            assertThat(RecordJson.parse(c.readLine()).msg()).isEqualTo("new");
        }
    }

    @Test
    void followWithFilterSeesOnlyMatchingNewRecords() throws Exception {
        try (TestClient c = new TestClient(server.socket())) {
            c.sendLine("{\"mode\":\"follow\",\"level\":\"warning\"}");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> journal.followerCount() > 0);
            journal.append(LogRecord.of(T0, "src", "a", "stdout", Level.INFO, "quiet"));
            journal.append(LogRecord.of(T0, "src", "a", "stdout", Level.CRIT, "loud"));
            LogRecord r = RecordJson.parse(c.readLine());
            assertThat(r.msg()).isEqualTo("loud");
            assertThat(r.cursor()).isEqualTo(32);
        }
    }

    @Test
    void statusRequestAnswersOneJsonObject() throws Exception {
        try (TestClient c = new TestClient(server.socket())) {
            c.sendLine("{\"status\":true}");
            List<String> lines = c.readAllText().lines().toList();
            assertThat(lines).hasSize(1);
            StatusReport r = StatusReport.parse(lines.get(0));
            assertThat(r.uptimeSeconds()).isEqualTo(7);
            assertThat(r.journal().followers()).isEqualTo(10);
        }
    }

    @Test
    void requestRoundTrips() {
        QueryRequest q = new QueryRequest(ReadMode.FOLLOW, 5, List.of("a*"), List.of("kernel"), List.of("k"),
                Level.WARNING, T0 + 5, Map.of("facility", "kern"), false);
        assertThat(QueryRequest.parse(q.toJson())).isEqualTo(q);
        assertThat(QueryRequest.parse(QueryRequest.statusRequest().toJson()).status()).isTrue();
    }
}
