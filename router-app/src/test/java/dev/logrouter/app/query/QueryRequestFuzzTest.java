package dev.logrouter.app.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the query-request parser with arbitrary request lines: a line is either a request or an
 * {@link IllegalArgumentException} with a message for the client, never anything else; an accepted
 * request survives a round trip through {@link QueryRequest#toJson()} and its filters compile and
 * run. Regression mode (every build) runs the corpus in {@code QueryRequestFuzzTestInputs/parse};
 * {@code JAZZER_FUZZ=1} fuzzes (see docs/reliability.md).
 */
class QueryRequestFuzzTest {

    private static final LogRecord PROBE = LogRecord.of(1_719_948_171_123_456_789L, "src", "svc", "stdout",
            Level.INFO, "probe");

    @FuzzTest(maxDuration = "90s")
    void parse(byte[] data) {
        // the decoder hands over one line, decoded as UTF-8
        String line = new String(data, StandardCharsets.UTF_8);
        QueryRequest q;
        try {
            q = QueryRequest.parse(line);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).as("a refusal tells the client why").isNotBlank();
            return;
        }
        assertThat(q).isNotNull();
        assertThat(q.mode()).isNotNull();
        assertThat(q.tail()).isNotNegative();
        QueryRequest again = QueryRequest.parse(q.toJson());
        if (q.status()) {
            assertThat(again.status()).isTrue();
        } else {
            assertThat(again).as("round trip of %s", q.toJson()).isEqualTo(q);
        }
        QueryRequest.RecordFilter filter = q.filter();
        filter.test(PROBE);
        assertThat(filter.test(LogRecord.gap(PROBE.time(), "fuzz", 1))).as("gap records always pass").isTrue();
    }
}
