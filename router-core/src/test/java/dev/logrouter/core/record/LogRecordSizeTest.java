package dev.logrouter.core.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.JournalSpec;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

/** {@link LogRecord#estimatedBytes()}: what its Javadoc promises, whatever map holds the fields. */
class LogRecordSizeTest {

    private static LogRecord record(String msg, Map<String, Object> fields) {
        return new LogRecord(LogRecord.NO_CURSOR, 1L, "src", "svc", "stdout", Level.INFO, msg, fields,
                LogRecord.Kind.NORMAL);
    }

    @Test
    void messageCountsOneByteForLatin1AndTwoOtherwise() {
        String latin1 = "é".repeat(100);
        String cjk = "日".repeat(100);
        long none = record("", Map.of()).estimatedBytes();
        assertThat(record(latin1, Map.of()).estimatedBytes() - none).isEqualTo(100);
        assertThat(record(cjk, Map.of()).estimatedBytes() - none).isEqualTo(200);
        // one character beyond Latin-1 anywhere makes Java store the whole message in two bytes a char
        assertThat(record("a".repeat(99) + "日", Map.of()).estimatedBytes() - none).isEqualTo(200);
    }

    @Test
    void fieldsCountTheSameFromEveryKindOfMapAndEachFieldAddsAtLeastItsText() {
        Map<String, Object> linked = new LinkedHashMap<>();
        linked.put("peer", "127.0.0.1");
        linked.put("attempt", 3L);
        List<Map<String, Object>> maps = List.of(Collections.unmodifiableMap(linked), new HashMap<>(linked),
                Map.of("peer", "127.0.0.1", "attempt", 3L));
        long none = record("msg", Map.of()).estimatedBytes();
        long peerOnly = record("msg", Map.of("peer", "127.0.0.1")).estimatedBytes();
        assertThat(peerOnly - none).isGreaterThanOrEqualTo("peer".length() + "127.0.0.1".length());
        for (Map<String, Object> m : maps) {
            long size = record("msg", m).estimatedBytes();
            assertThat(size).isEqualTo(record("msg", maps.get(0)).estimatedBytes());
            assertThat(size - peerOnly).isGreaterThanOrEqualTo("attempt".length() + Long.BYTES);
        }
    }

    @Test
    void journalHoldsTheEstimateOfEachStoredRecord() {
        try (Journal journal = Journal.create(new JournalSpec(100, 1L << 20), Schedulers.immediate())) {
            long sum = 0;
            for (int i = 0; i < 10; i++) {
                LogRecord stored = journal.append(record("line " + i + " 日本", i % 2 == 0 ? Map.of() : Map.of("n", (long) i)));
                sum += stored.estimatedBytes();
            }
            assertThat(journal.stats().bytes()).isEqualTo(sum);
        }
    }

    @Test
    void latin1IsDecidedByTheHighestCharWhereverItIs() {
        // U+00FF is the last Latin-1 char, U+0100 the first that is not; one of them at each position
        int checked = 0;
        for (int len = 1; len <= 40; len++) {
            for (int at = 0; at < len; at++) {
                char[] chars = new char[len];
                java.util.Arrays.fill(chars, 'a');
                chars[at] = '\u00ff';
                assertThat(LogRecord.isLatin1(new String(chars))).isTrue();
                chars[at] = '\u0100';
                assertThat(LogRecord.isLatin1(new String(chars))).as("len %d at %d", len, at).isFalse();
                chars[at] = '\ud83d'; // half of an emoji's surrogate pair
                assertThat(LogRecord.isLatin1(new String(chars))).isFalse();
                checked++;
            }
        }
        assertThat(checked).isEqualTo(820);
        assertThat(LogRecord.isLatin1("")).isTrue();
    }
}
