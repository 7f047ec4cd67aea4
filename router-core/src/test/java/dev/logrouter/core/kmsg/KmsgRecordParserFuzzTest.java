package dev.logrouter.core.kmsg;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.testsupport.RecordInvariants;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Fuzzes the {@code /dev/kmsg} record parser with arbitrary bytes. Regression mode (every build) runs
 * the corpus in {@code KmsgRecordParserFuzzTestInputs/parse}; {@code JAZZER_FUZZ=1} fuzzes (see
 * docs/reliability.md).
 */
class KmsgRecordParserFuzzTest {

    /** A boot time of 2023-11-14: realistic, so an overflowing timestamp shows as a wrong time. */
    private static final long BOOT = 1_700_000_000_000_000_000L;

    @FuzzTest(maxDuration = "90s")
    void parse(byte[] data) {
        KmsgRecordParser parser = new KmsgRecordParser("kmsg");
        byte[] copy = data.clone();
        // the record inside a larger read buffer, as the source hands it over
        byte[] padded = new byte[data.length + 16];
        Arrays.fill(padded, (byte) 'Z');
        System.arraycopy(data, 0, padded, 8, data.length);

        LogRecord r = parser.parse(data, BOOT);
        LogRecord inBuffer = new KmsgRecordParser("kmsg").parse(padded, 8, data.length, BOOT);

        assertThat(data).as("input is not modified").isEqualTo(copy);
        RecordInvariants.assertWellFormed(r);
        assertThat(r.service()).isEqualTo(KmsgRecordParser.SERVICE);
        assertThat(r.stream()).isEqualTo(KmsgRecordParser.STREAM);
        assertThat(r.source()).isEqualTo("kmsg");
        assertThat(r.kind()).isEqualTo(LogRecord.Kind.NORMAL);
        boolean malformed = KmsgRecordParser.isMalformed(r);
        assertThat(parser.malformed()).isEqualTo(malformed ? 1 : 0);
        long seq = KmsgRecordParser.seqOf(r);
        long clock = KmsgRecordParser.clockOf(r);
        if (clock >= 0) {
            // time = boot + clock µs, exactly (no overflow)
            assertThat(BigInteger.valueOf(r.time()))
                    .isEqualTo(BigInteger.valueOf(BOOT).add(BigInteger.valueOf(clock).multiply(BigInteger.valueOf(1000))));
            assertThat(seq).isNotNegative();
        }
        if (!malformed) {
            assertThat(seq).isNotNegative();
            assertThat(clock).isNotNegative();
            // continuation lines are fields, not text: the only newlines in msg are escaped ones (\x0a)
            assertThat(count(r.msg(), "\n")).as("msg is the first line only")
                    .isLessThanOrEqualTo(count(firstLine(data).toLowerCase(java.util.Locale.ROOT), "\\x0a"));
            long prio = Long.parseLong(new String(data, 0, indexOf(data, ','), StandardCharsets.US_ASCII));
            assertThat(r.level()).isEqualTo(Level.ofCode((int) (prio & 7)));
        } else {
            assertThat(r.msg()).as("a malformed record keeps its text")
                    .isEqualTo(new String(data, 0, data.length - (endsWithNewline(data) ? 1 : 0), StandardCharsets.UTF_8));
        }
        // same answer wherever the record sits in the read buffer (time aside for malformed records without one)
        assertThat(inBuffer.msg()).isEqualTo(r.msg());
        assertThat(inBuffer.fields()).isEqualTo(r.fields());
        assertThat(inBuffer.level()).isEqualTo(r.level());
    }

    private static String firstLine(byte[] b) {
        String s = new String(b, StandardCharsets.ISO_8859_1);
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    private static boolean endsWithNewline(byte[] b) {
        return b.length > 0 && b[b.length - 1] == '\n';
    }

    private static int indexOf(byte[] b, char c) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return b.length;
    }
}
