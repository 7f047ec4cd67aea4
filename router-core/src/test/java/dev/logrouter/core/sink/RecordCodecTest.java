package dev.logrouter.core.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

    private static LogRecord roundTrip(LogRecord r) {
        ByteBuffer b = RecordCodec.encode(r, ByteBuffer.allocate(8));
        b.flip();
        return RecordCodec.decode(b);
    }

    @Test
    void everyComponentSurvivesIncludingOrderedFieldsOfEveryValueType() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("z_first", "text with ünïcödé and \u0000 and \uD83D\uDE00");
        f.put("long", Long.MIN_VALUE);
        f.put("int", 42L);
        f.put("neg", -7L);
        f.put("double", 3.25);
        f.put("yes", true);
        f.put("no", false);
        f.put("nothing", null);
        f.put("big", new BigInteger("123456789012345678901234567890"));
        f.put("dec", new BigDecimal("1.50"));
        f.put("a_last", "");
        LogRecord r = new LogRecord(987654321L, -1_000L, "src", "svc", "stderr", Level.CRIT, "m\nsg",
                java.util.Collections.unmodifiableMap(f), LogRecord.Kind.PARTIAL);
        LogRecord back = roundTrip(r);
        assertThat(back).isEqualTo(r);
        assertThat(back.fields().keySet()).containsExactlyElementsOf(f.keySet());
    }

    @Test
    void gapRecordsAndEveryKindAndLevelRoundTrip() {
        LogRecord gap = LogRecord.gap(LogRecord.now(), "sink x", 12);
        assertThat(roundTrip(gap)).isEqualTo(gap);
        assertThat(roundTrip(gap).lost()).isEqualTo(12);
        for (LogRecord.Kind k : LogRecord.Kind.values()) {
            for (Level l : Level.values()) {
                LogRecord r = new LogRecord(1, Long.MAX_VALUE, "s", "v", "x", l, "", Map.of(), k);
                assertThat(roundTrip(r)).isEqualTo(r);
            }
        }
    }

    @Test
    void aLargeMessageGrowsTheBuffer() {
        char[] c = new char[1 << 20];
        Arrays.fill(c, 'é');
        LogRecord r = LogRecord.of(5, "s", "v", "x", Level.INFO, new String(c)).withCursor(3);
        assertThat(roundTrip(r)).isEqualTo(r);
    }

    @Test
    void truncatedOrUnknownBytesAreAnErrorNotARecord() {
        LogRecord r = LogRecord.of(5, "s", "v", "x", Level.INFO, "hello").withCursor(3);
        ByteBuffer b = RecordCodec.encode(r, ByteBuffer.allocate(64));
        b.flip();
        ByteBuffer cut = ByteBuffer.wrap(Arrays.copyOf(b.array(), b.limit() - 2));
        assertThatThrownBy(() -> RecordCodec.decode(cut)).isInstanceOf(IllegalArgumentException.class);
        ByteBuffer wrongVersion = ByteBuffer.wrap(Arrays.copyOf(b.array(), b.limit()));
        wrongVersion.put(0, (byte) 99);
        assertThatThrownBy(() -> RecordCodec.decode(wrongVersion)).hasMessageContaining("version");
    }
}
