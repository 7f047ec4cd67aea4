package dev.logrouter.core.router;

import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.sink.SinkBuffer;
import java.util.Arrays;

/**
 * The routed copies of a run of one source's records, grouped by sink buffer (groups in the order their
 * buffers first appear, each group in record order), so that each buffer takes its share in one call
 * under one lock. Filled by {@link Router#ingest} and offered by {@link SourceIntake}, only from the
 * intake's drain: not thread-safe.
 */
final class CopiesByBuffer {

    private static final class Group {
        SinkBuffer buffer;
        LogRecord[] records = new LogRecord[SourceIntake.RUN];
        int from;
        int to;
    }

    private Group[] groups = new Group[0];
    /** Groups in use; those before {@link #current} are offered completely. */
    private int size;
    private int current;
    /** The group added to last: consecutive copies usually go to the same buffers as the last record's. */
    private int last;

    /** A copy of a record for {@code buffer}, after those added before; only while {@link #isEmpty}'s run is being filled. */
    void add(SinkBuffer buffer, LogRecord record) {
        Group g = groupOf(buffer);
        if (g.to == g.records.length) {
            g.records = Arrays.copyOf(g.records, g.records.length * 2);
        }
        g.records[g.to++] = record;
    }

    private Group groupOf(SinkBuffer buffer) {
        if (last < size && groups[last].buffer == buffer) {
            return groups[last];
        }
        for (int i = 0; i < size; i++) {
            if (groups[i].buffer == buffer) {
                last = i;
                return groups[i];
            }
        }
        if (size == groups.length) {
            groups = Arrays.copyOf(groups, size + 4);
        }
        if (groups[size] == null) {
            groups[size] = new Group();
        }
        groups[size].buffer = buffer;
        last = size;
        return groups[size++];
    }

    /** True when every copy added has been offered. */
    boolean isEmpty() {
        return current == size;
    }

    /**
     * Offers the first group not yet taken completely to its buffer, in one call.
     *
     * @return false when the buffer (full, {@code when_full: block}) left some: {@code onRoom} runs once
     *         it has room, and the next call offers the rest
     */
    boolean offerNext(Runnable onRoom) {
        Group g = groups[current];
        g.from += g.buffer.tryOffer(g.records, g.from, g.to, onRoom);
        if (g.from < g.to) {
            return false;
        }
        // forget records and buffers at once: a buffer replaced by a reload must not be kept alive here
        Arrays.fill(g.records, 0, g.to, null);
        g.from = 0;
        g.to = 0;
        g.buffer = null;
        if (++current == size) {
            current = 0;
            size = 0;
        }
        return true;
    }
}
