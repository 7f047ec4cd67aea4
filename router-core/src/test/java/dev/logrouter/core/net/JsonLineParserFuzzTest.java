package dev.logrouter.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.testsupport.RecordInvariants;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Fuzzes the {@code json_lines} input parser with arbitrary lines. Regression mode (every build) runs
 * the corpus in {@code JsonLineParserFuzzTestInputs/parse}; {@code JAZZER_FUZZ=1} fuzzes (see
 * docs/reliability.md).
 */
class JsonLineParserFuzzTest {

    private static final long RECEIVED = 1_719_948_171_123_456_789L;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Rejects duplicate keys: the parser takes the first value, a tree keeps the last. */
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final String[] TIME_KEYS = {"time", "@timestamp", "ts", "talos-time"};

    private final JsonLineParser parser = new JsonLineParser();

    @FuzzTest(maxDuration = "90s")
    void parse(byte[] data) {
        // a line as the framer hands it over: decoded as UTF-8, without its newline
        String line = new String(data, StandardCharsets.UTF_8).replace("\n", "");
        JsonLineParser.Parsed p = parser.parse(line, RECEIVED, "net", "svc", "stdout", Map.of("peer", "127.0.0.1"));
        LogRecord r = p.record();
        RecordInvariants.assertWellFormed(r);
        assertThat(r.source()).isEqualTo("net");
        assertThat(r.kind()).isEqualTo(LogRecord.Kind.NORMAL);
        assertThat(r.service()).isNotEmpty();
        assertThat(r.stream()).isNotEmpty();
        assertThat(r.fields()).as("extra fields come last").containsEntry("peer", "127.0.0.1");
        if (!p.ok()) {
            assertThat(r.msg()).as("a line that is not a JSON object is kept whole").isEqualTo(line);
            assertThat(r.fields()).containsKey(FieldNames.PARSE_ERROR);
            assertThat(r.time()).isEqualTo(RECEIVED);
            return;
        }
        JsonNode lax = readTree(MAPPER, line);
        assertThat(lax).as("accepted lines are JSON objects").isNotNull();
        assertThat(lax.isObject()).isTrue();
        JsonNode tree = readTree(STRICT, line);
        if (tree == null) {
            return;
        }
        if (r.time() != RECEIVED) {
            assertThat(timeIsFromTheObject(tree, r.time()))
                    .as("time %d is neither the receive time nor the object's time", r.time()).isTrue();
        }
        JsonNode msg = tree.has("msg") ? tree.get("msg") : tree.get("message");
        if (msg != null && msg.isTextual() && tree.has("msg") != tree.has("message")) {
            assertThat(r.msg()).isEqualTo(msg.textValue());
        }
    }

    private static JsonNode readTree(ObjectMapper mapper, String line) {
        try {
            return mapper.readTree(line);
        } catch (Exception e) {
            return null;
        }
    }

    /** One of the time keys holds exactly this time (text), or this time in some unit (number). */
    private static boolean timeIsFromTheObject(JsonNode tree, long time) {
        BigInteger t = BigInteger.valueOf(time);
        for (String key : TIME_KEYS) {
            JsonNode v = tree.get(key);
            if (v == null) {
                continue;
            }
            if (v.isTextual()) {
                try {
                    OffsetDateTime d = OffsetDateTime.parse(v.textValue(), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                    if (RecordInvariants.epochNanos(d.toInstant()).equals(t)) {
                        return true;
                    }
                } catch (DateTimeException e) {
                    // not a time
                }
            } else if (v.isIntegralNumber()) {
                BigInteger n = v.bigIntegerValue();
                for (long unit : new long[] {1_000_000_000L, 1_000_000L, 1_000L, 1L}) {
                    if (n.multiply(BigInteger.valueOf(unit)).equals(t)) {
                        return true;
                    }
                }
            } else if (v.isNumber()) {
                BigDecimal exact = v.decimalValue().multiply(BigDecimal.valueOf(1_000_000_000L));
                // a double carries about 16 significant digits
                BigDecimal tolerance = exact.abs().multiply(new BigDecimal("1e-15")).max(BigDecimal.ONE);
                if (exact.subtract(new BigDecimal(t)).abs().compareTo(tolerance) <= 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
