package dev.logrouter.app.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/** Service and stream globs of query requests: linear matching, bad globs refused, readers released. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class QueryGlobTest {

    @RegisterExtension
    final QuerySocketFixture q = new QuerySocketFixture(10_000, 64L * 1024 * 1024);
    Journal journal;
    QueryServer server;

    @BeforeEach
    void start() {
        journal = q.journal();
        server = q.server();
        for (int i = 0; i < 200; i++) {
            journal.append(LogRecord.of(LogRecord.now(), "src", "a".repeat(500), "stdout", Level.INFO, "m" + i));
        }
        journal.append(LogRecord.of(LogRecord.now(), "src", "a".repeat(499) + "b", "stdout", Level.INFO, "last"));
    }

    private List<String> query(String request) throws Exception {
        try (TestClient c = new TestClient(server.socket())) {
            c.sendLine(request);
            return c.readAllText().lines().toList();
        }
    }

    @Test
    void hostileGlobAgainstLongServiceNamesAnswersPromptly() throws Exception {
        List<String> got = query("{\"services\":\"*a*a*a*a*b\"}");
        assertThat(got).hasSize(1);
        assertThat(RecordJson.parse(got.get(0)).msg()).isEqualTo("last");
        assertThat(query("{\"services\":\"*a*a*a*a*c\"}")).isEmpty();
        assertThat(query("{\"services\":[\"*a*a*a*a*\"],\"tail\":2}")).hasSize(2);
    }

    @Test
    void unclosedBracketIsAnErrorLineNotAnEmptyAnswer() throws Exception {
        List<String> got = query("{\"services\":\"web[12\"}");
        assertThat(got).hasSize(1);
        assertThat(got.get(0)).startsWith("{\"error\":").contains("unclosed '[' at position 4 in glob");
        assertThat(query("{\"streams\":[\"std[out\"]}").get(0)).startsWith("{\"error\":");
        assertThat(server.counters().badRequests()).isEqualTo(2);
    }

    @Test
    void followerWhoseClientLeavesIsReleasedAtOnce() throws Exception {
        TestClient c = new TestClient(server.socket());
        c.sendLine("{\"mode\":\"follow\",\"services\":\"*a*a*a*a*c\"}");
        awaitFollowers(1);
        c.close();
        awaitFollowers(0);
    }

    private void awaitFollowers(int n) throws InterruptedException {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(journal.followerCount()).as("journal followers").isEqualTo(n));
    }
}
