package dev.logrouter.app.query;

import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.ReadMode;
import dev.logrouter.core.record.LogRecord;
import java.util.ArrayDeque;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * The records a read request selects from the journal.
 *
 * <p>Cold, one journal reader per subscription, with the journal's backpressure: records are read
 * only as the subscriber requests them, a reader that falls behind the ring gets a gap record with the
 * exact count (gap records pass every filter). {@code tail N} keeps the last N <em>matching</em>
 * records of the dump part; in {@code dump_follow} mode the follow part continues right after the
 * dump with no gap and no duplicate.
 */
final class JournalQuery {

    private JournalQuery() {
    }

    static Flux<LogRecord> select(Journal journal, QueryRequest q) {
        long tail = q.tail();
        if (!q.filters()) {
            return journal.read(q.mode(), tail);
        }
        QueryRequest.RecordFilter f = q.filter();
        if (q.mode() == ReadMode.FOLLOW || tail == 0) {
            return journal.read(q.mode(), 0).filter(f::test);
        }
        int keep = (int) Math.min(tail, journal.spec().maxLines() + 1L);
        if (q.mode() == ReadMode.DUMP) {
            return journal.read(ReadMode.DUMP, 0).filter(f::test).takeLast(keep);
        }
        return Flux.defer(() -> {
            // records before 'end' belong to the dump part; any later record marks the seam
            long end = journal.stats().nextCursor();
            TailAtSeam seam = new TailAtSeam(end, keep, f);
            return journal.read(ReadMode.DUMP_THEN_FOLLOW, 0).concatMapIterable(seam::next, 32);
        });
    }

    /** Keeps the last N matching records of the dump part and releases them at the seam. */
    private static final class TailAtSeam {
        private final long end;
        private final int keep;
        private final QueryRequest.RecordFilter filter;
        private ArrayDeque<LogRecord> ring = new ArrayDeque<>();

        TailAtSeam(long end, int keep, QueryRequest.RecordFilter filter) {
            this.end = end;
            this.keep = keep;
            this.filter = filter;
        }

        List<LogRecord> next(LogRecord r) {
            boolean match = filter.test(r);
            if (ring == null) {
                return match ? List.of(r) : List.of();
            }
            boolean dumpPart = r.cursor() == LogRecord.NO_CURSOR || r.cursor() < end;
            if (dumpPart) {
                if (match) {
                    if (ring.size() == keep) {
                        ring.pollFirst();
                    }
                    ring.addLast(r);
                }
                if (r.cursor() != end - 1) {
                    return List.of();
                }
            } else if (match) {
                ring.addLast(r);
            }
            List<LogRecord> out = List.copyOf(ring);
            ring = null;
            return out;
        }
    }
}
