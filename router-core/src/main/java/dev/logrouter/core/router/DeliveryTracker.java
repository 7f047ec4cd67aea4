package dev.logrouter.core.router;

import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.source.DeliveryReport;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One source's records on their way through the sink buffers, in the order the source emitted
 * them: reports the newest record before which every record was released by every buffer it was
 * offered to. Holds at most what the buffers hold; the router drops the tracker before it forces
 * sinks to stop at shutdown, so records they still held are never reported (they were not delivered).
 */
final class DeliveryTracker {

    private static final class Pending {
        final LogRecord record;
        int remaining;

        Pending(LogRecord record, int remaining) {
            this.record = record;
            this.remaining = remaining;
        }
    }

    private final DeliveryReport reports;
    private final ArrayDeque<Pending> order = new ArrayDeque<>();
    private final Map<LogRecord, Pending> byRecord = new IdentityHashMap<>();

    DeliveryTracker(DeliveryReport reports) {
        this.reports = reports;
    }

    /** {@code r} is about to be offered to {@code buffers} sink buffers. */
    synchronized void expect(LogRecord r, int buffers) {
        Pending p = new Pending(r, buffers);
        order.addLast(p);
        if (buffers > 0) {
            byRecord.put(r, p);
        }
        advance();
    }

    /** One buffer no longer needs {@code records}; those of other sources are ignored. One report at most. */
    synchronized void released(List<LogRecord> records) {
        boolean any = false;
        for (LogRecord r : records) {
            Pending p = byRecord.get(r);
            if (p != null && --p.remaining <= 0) {
                byRecord.remove(r);
                any = true;
            }
        }
        if (any) {
            advance();
        }
    }

    /** Reports under the lock, so reports never overtake each other. */
    private void advance() {
        LogRecord last = null;
        while (!order.isEmpty() && order.peekFirst().remaining <= 0) {
            last = order.pollFirst().record;
        }
        if (last != null) {
            reports.delivered(last);
        }
    }
}
