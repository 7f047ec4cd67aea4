package dev.logrouter.sinks.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.record.LogRecord;
import dev.logrouter.sinks.encode.EncodedBuffer;
import dev.logrouter.sinks.encode.FramedEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The TCP sink's encoded records: bytes written and re-sent are the bytes first encoded, in order. */
class EncodedRecordsTest {

    private final FramedEncoder encoder = TcpSinkTest.jsonWithCursor().newFramedEncoder();

    private byte[] encoded(LogRecord r) {
        EncodedBuffer b = new EncodedBuffer();
        encoder.append(r, b);
        return b.toByteArray();
    }

    private static ByteBuf pending(EncodedRecords log) {
        ByteBuf b = Unpooled.buffer();
        log.copyPending(b);
        assertThat(b.readableBytes()).isEqualTo(log.pendingBytes());
        return b;
    }

    private static String text(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), out);
        b.release();
        return new String(out, StandardCharsets.UTF_8);
    }

    private static String join(List<byte[]> parts, int from, int to) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            o.writeBytes(parts.get(i));
        }
        return o.toString(StandardCharsets.UTF_8);
    }

    @Test
    void pendingBytesSpanChunksAndTheWindowIsReSentAsFirstWrittenAfterEvictions() {
        EncodedRecords log = new EncodedRecords();
        List<byte[]> expected = new ArrayList<>();
        int n = 5000; // about 500 KiB: many chunks, and the index ring grows several times
        for (int i = 1; i <= n / 2; i++) {
            LogRecord r = TcpSinkTest.record(i);
            expected.add(encoded(r));
            log.append(r, false, encoder);
        }
        assertThat(log.markSent(1)).isZero();
        assertThat(text(pending(log))).isEqualTo(join(expected, 0, n / 2));
        assertThat(log.markWritten()).isEqualTo(n / 2);
        // keep about 100 KiB: the oldest records leave and their chunks are reused for new ones
        while (log.windowBytes() - log.size(log.first()) >= 100_000) {
            log.evictFirst();
        }
        int left = (int) log.first();
        for (int i = n / 2 + 1; i <= n; i++) {
            LogRecord r = TcpSinkTest.record(i);
            expected.add(encoded(r));
            log.append(r, false, encoder);
        }
        assertThat(text(pending(log))).isEqualTo(join(expected, n / 2, n));
        log.rewind();
        assertThat(log.markSent(2)).as("re-sent: the window's records").isEqualTo(n / 2 - left);
        assertThat(text(pending(log))).isEqualTo(join(expected, left, n));
        assertThat(log.markWritten()).as("written for the first time").isEqualTo(n / 2);
    }

    @Test
    void aGapRecordPutAheadAndAPoisonRecordReplacedKeepTheOthersBytesAndNumbers() {
        EncodedRecords log = new EncodedRecords();
        List<byte[]> expected = new ArrayList<>();
        for (int i = 1; i <= 1300; i++) {
            LogRecord r = TcpSinkTest.record(i);
            expected.add(encoded(r));
            log.append(r, false, encoder);
        }
        log.markSent(1);
        log.markWritten();
        // 300 records left the window: the chunk the window starts in also holds some of their bytes,
        // which must not be written again ahead of the window
        for (int i = 0; i < 300; i++) {
            log.evictFirst();
        }
        expected.subList(0, 300).clear();
        log.rewind();
        LogRecord ahead = LogRecord.gap(LogRecord.now(), "ahead", 7);
        byte[] aheadBytes = encoded(ahead);
        long g = log.prepend(ahead, true, encoder);
        assertThat(g).isEqualTo(299);
        assertThat(log.kind(g)).isEqualTo(EncodedRecords.OWN_GAP);
        assertThat(log.value(g)).isEqualTo(7);
        expected.add(0, aheadBytes);
        assertThat(text(pending(log))).isEqualTo(join(expected, 0, expected.size()));

        long bad = 800; // numbered from 0: record cursor 801
        assertThat(log.value(bad)).isEqualTo(801);
        LogRecord instead = LogRecord.gap(LogRecord.now(), "poison", 1);
        byte[] insteadBytes = encoded(instead);
        assertThat(log.replace(bad, instead, encoder)).isTrue();
        expected.set((int) (bad - g), insteadBytes);
        assertThat(text(pending(log))).isEqualTo(join(expected, 0, expected.size()));
        assertThat(log.kind(bad)).isEqualTo(EncodedRecords.OWN_GAP);
        assertThat(log.value(bad + 1)).isEqualTo(802);
        assertThat(log.written(bad + 1)).isTrue();

        // the own gap ahead is dropped without a replacement: the records after it keep their numbers
        assertThat(log.replace(g, null, encoder)).isFalse();
        expected.remove(0);
        assertThat(log.first()).isEqualTo(300);
        assertThat(log.value(300)).isEqualTo(301);
        assertThat(log.value(bad + 1)).isEqualTo(802);
        assertThat(text(pending(log))).isEqualTo(join(expected, 0, expected.size()));
    }
}
