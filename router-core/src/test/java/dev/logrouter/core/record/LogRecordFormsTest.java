package dev.logrouter.core.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.JournalSpec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

/** A message held as UTF-8 bytes or as text: the same record to every reader; the cursor set once. */
class LogRecordFormsTest {

    private static final String TEXT = "héllo → wörld 𝄞";

    private static LogRecord bytes(String msg) {
        return LogRecord.ofUtf8(5L, "src", "svc", "stdout", Level.WARNING, msg.getBytes(StandardCharsets.UTF_8),
                Map.of("peer", "::1"), LogRecord.Kind.PARTIAL);
    }

    private static LogRecord text(String msg) {
        return new LogRecord(LogRecord.NO_CURSOR, 5L, "src", "svc", "stdout", Level.WARNING, msg,
                Map.of("peer", "::1"), LogRecord.Kind.PARTIAL);
    }

    @Test
    void bothFormsAreEqualAndReadTheSame() {
        LogRecord b = bytes(TEXT);
        LogRecord t = text(TEXT);
        assertThat(b).isEqualTo(t).hasSameHashCodeAs(t).hasToString(t.toString());
        assertThat(t).isEqualTo(b);
        assertThat(b.msg()).isEqualTo(TEXT);
        assertThat(b.msgUtf8()).isEqualTo(TEXT.getBytes(StandardCharsets.UTF_8));
        assertThat(t.msgUtf8()).isNull();
        assertThat(b.msgBytes()).isEqualTo(t.msgBytes()).isEqualTo(TEXT.getBytes(StandardCharsets.UTF_8).length);
        assertThat(b.level()).isEqualTo(Level.WARNING);
        assertThat(b.kind()).isEqualTo(LogRecord.Kind.PARTIAL);
        assertThat(b).isNotEqualTo(bytes(TEXT + "!")).isNotEqualTo(text(TEXT + "!"));
        assertThat(b.withFields(Map.of()).msgUtf8()).isEqualTo(b.msgUtf8());
        assertThat(b.withCursor(9).msgUtf8()).isSameAs(b.msgUtf8());
    }

    @Test
    void aMessageHeldAsBytesIsEstimatedByItsLength() {
        long empty = bytes("").estimatedBytes();
        assertThat(bytes("a".repeat(100)).estimatedBytes() - empty).isEqualTo(100);
        // three bytes a character: UTF-8, not Java's two bytes a char
        assertThat(bytes("→".repeat(10)).estimatedBytes() - empty).isEqualTo(30);
    }

    @Test
    void theJournalGivesAFreshRecordItsCursorInPlaceAndCopiesOneThatHasOne() {
        try (Journal journal = Journal.create(new JournalSpec(100, 1L << 20), Schedulers.immediate())) {
            LogRecord draft = bytes("one");
            LogRecord stored = journal.append(draft);
            assertThat(stored).isSameAs(draft);
            assertThat(stored.cursor()).isNotEqualTo(LogRecord.NO_CURSOR);
            // appended again (a test, a replay): the stored first one keeps its cursor
            LogRecord again = journal.append(draft);
            assertThat(again).isNotSameAs(draft);
            assertThat(again.cursor()).isEqualTo(stored.cursor() + 1);
            assertThat(draft.cursor()).isEqualTo(stored.cursor());
            assertThat(again.msg()).isEqualTo("one");
        }
    }
}
