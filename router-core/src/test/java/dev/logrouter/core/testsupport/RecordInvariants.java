package dev.logrouter.core.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.record.Rfc3339;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * What every record a parser produces must satisfy, whatever its input: the shape the sinks and the
 * query socket rely on. Used by the fuzz tests.
 */
public final class RecordInvariants {

    private static final BigInteger BILLION = BigInteger.valueOf(1_000_000_000L);

    private RecordInvariants() {
    }

    /**
     * Text fields are valid UTF-16 (no lone surrogate: every encoder can write them), field values are
     * JSON-compatible, and the time can be written as RFC 3339 and read back unchanged.
     */
    public static void assertWellFormed(LogRecord r) {
        assertThat(r).isNotNull();
        assertValidText("source", r.source());
        assertValidText("service", r.service());
        assertValidText("stream", r.stream());
        assertValidText("msg", r.msg());
        assertThat(r.level()).isNotNull();
        assertThat(r.kind()).isNotNull();
        for (Map.Entry<String, Object> e : r.fields().entrySet()) {
            assertThat(e.getKey()).as("field name").isNotNull();
            assertValidText("field name", e.getKey());
            Object v = e.getValue();
            if (v instanceof String s) {
                assertValidText("field " + e.getKey(), s);
            } else if (v != null) {
                assertThat(v).as("field %s", e.getKey()).isInstanceOfAny(Number.class, Boolean.class);
            }
        }
        String written = Rfc3339.format(r.time());
        assertThat(epochNanos(OffsetDateTime.parse(written, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant()))
                .as("time %s written as %s", r.time(), written)
                .isEqualTo(BigInteger.valueOf(r.time()));
        assertThat(r.estimatedBytes()).isPositive();
    }

    /** No unpaired surrogate. */
    public static void assertValidText(String what, String s) {
        assertThat(s).as(what).isNotNull();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                assertThat(i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)))
                        .as("%s has a lone high surrogate at %d", what, i).isTrue();
                i++;
            } else {
                assertThat(Character.isLowSurrogate(c)).as("%s has a lone low surrogate at %d", what, i).isFalse();
            }
        }
    }

    /** Exact epoch nanoseconds of an instant, without overflow. */
    public static BigInteger epochNanos(Instant i) {
        return BigInteger.valueOf(i.getEpochSecond()).multiply(BILLION).add(BigInteger.valueOf(i.getNano()));
    }
}
