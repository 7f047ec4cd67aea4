package dev.logrouter.core.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.logrouter.core.record.Facility;
import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.testsupport.RecordInvariants;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes the syslog parsers: RFC 3164 and RFC 5424 messages (one target each, so each has a corpus
 * of its own form) and the TCP stream framing (octet counting and LF). Regression mode (every build)
 * runs the corpus in {@code SyslogParserFuzzTestInputs/<method>}; {@code JAZZER_FUZZ=1} fuzzes (see
 * docs/reliability.md).
 */
class SyslogParserFuzzTest {

    /** Receive time 2024-07-02T19:22:51.123456789Z. */
    private static final long RECEIVED = 1_719_948_171_123_456_789L;
    private static final long DAY_NANOS = 86_400_000_000_000L;

    private final SyslogParser parser = new SyslogParser(ZoneOffset.ofHours(2));

    @FuzzTest(maxDuration = "90s")
    void rfc3164(byte[] data) {
        checkMessage(data);
    }

    @FuzzTest(maxDuration = "90s")
    void rfc5424(byte[] data) {
        checkMessage(data);
    }

    /**
     * The first byte seeds how the rest is cut into reads; the rest is the TCP stream. The messages
     * must not depend on how the stream was cut, none is longer than the limit, and every one parses.
     */
    @FuzzTest(maxDuration = "90s")
    void octetCountedStream(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int seed = data[0] & 0xff;
        byte[] stream = Arrays.copyOfRange(data, 1, data.length);
        int max = 16 + (seed & 0x3f) * 8;

        List<String> whole = new ArrayList<>();
        SyslogStreamFramer one = new SyslogStreamFramer(max, (d, off, len, cut) -> {
            assertThat(len).isBetween(0, max);
            whole.add(cut + ":" + new String(d, off, len, StandardCharsets.ISO_8859_1));
            Parsed parsed = parse(d, off, len, cut);
            assertThat(parsed).isNotNull();
        });
        one.feed(stream, 0, stream.length);
        one.finish();

        List<String> pieces = new ArrayList<>();
        SyslogStreamFramer cutUp = new SyslogStreamFramer(max, (d, off, len, cut) ->
                pieces.add(cut + ":" + new String(d, off, len, StandardCharsets.ISO_8859_1)));
        int i = 0;
        int step = seed;
        while (i < stream.length) {
            step = step * 1103515245 + 12345;
            int n = Math.min(stream.length - i, 1 + ((step >>> 16) & 0xff) % 37);
            cutUp.feed(stream, i, n);
            i += n;
        }
        cutUp.finish();

        assertThat(pieces).as("messages do not depend on how the stream is cut into reads").isEqualTo(whole);
        assertThat(cutUp.droppedBytes()).isEqualTo(one.droppedBytes());
        assertThat(one.droppedBytes()).isBetween(0L, (long) stream.length);
    }

    private record Parsed(LogRecord record, boolean ok) {
    }

    private Parsed parse(byte[] d, int off, int len, boolean cut) {
        SyslogParser.Parsed p = parser.parse(d, off, len, RECEIVED, "syslog", cut);
        RecordInvariants.assertWellFormed(p.record());
        if (cut) {
            assertThat(p.record().fields()).containsEntry(FieldNames.TRUNCATED, true);
        }
        return new Parsed(p.record(), p.ok());
    }

    private void checkMessage(byte[] data) {
        byte[] copy = data.clone();
        SyslogParser.Parsed p = parser.parse(data, 0, data.length, RECEIVED, "syslog", false);
        assertThat(data).isEqualTo(copy);
        LogRecord r = p.record();
        RecordInvariants.assertWellFormed(r);
        assertThat(r.stream()).isEqualTo(SyslogParser.STREAM);
        assertThat(r.source()).isEqualTo("syslog");
        assertThat(r.service()).isNotEmpty();
        assertThat(r.kind()).isEqualTo(LogRecord.Kind.NORMAL);
        assertThat(p.ok()).isEqualTo(!r.fields().containsKey(FieldNames.PARSE_ERROR));
        if (r.fields().containsKey("facility")) {
            assertThat(Facility.parse((String) r.fields().get("facility"))).isNotNull();
        }
        Object pid = r.fields().get("pid");
        if (pid instanceof Long l) {
            assertThat(l).isNotNegative();
        }
        String text = new String(data, StandardCharsets.UTF_8);
        assertThat(text).as("the message text is kept").contains(r.msg());
        if (r.time() != RECEIVED) {
            assertThat(timeIsFromTheMessage(text, r.time()))
                    .as("time %d is neither the receive time nor a time written in the message", r.time()).isTrue();
        }
        // same result for the message inside a larger buffer
        byte[] padded = new byte[data.length + 8];
        System.arraycopy(data, 0, padded, 4, data.length);
        SyslogParser.Parsed again = parser.parse(padded, 4, data.length, RECEIVED, "syslog", false);
        assertThat(again.record().msg()).isEqualTo(r.msg());
        assertThat(again.record().fields()).isEqualTo(r.fields());
    }

    /** An RFC 3339 token of the message names exactly this time, or an RFC 3164 time within a year of receipt. */
    private static boolean timeIsFromTheMessage(String text, long time) {
        // the time may follow the <PRI> directly
        // the parser drops trailing newlines, CRs and NULs
        text = text.replaceAll("[\\n\\r\\x00]+$", "");
        String afterPri = text.substring(text.indexOf('>') + 1);
        for (String token : (text + " " + afterPri).split(" ")) {
            try {
                OffsetDateTime t = OffsetDateTime.parse(token, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                if (RecordInvariants.epochNanos(t.toInstant()).equals(BigInteger.valueOf(time))) {
                    return true;
                }
            } catch (DateTimeException e) {
                // not a time
            }
        }
        return Math.abs(time - RECEIVED) <= 367 * DAY_NANOS;
    }
}
