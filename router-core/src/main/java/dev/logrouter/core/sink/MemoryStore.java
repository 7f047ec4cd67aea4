package dev.logrouter.core.sink;

import dev.logrouter.core.record.LogRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The memory store of a {@link SinkBuffer}: a queue, with each record's estimated size kept from its offer. */
final class MemoryStore implements BufferStore {

    private final Events events;
    private final ArrayDeque<LogRecord> queue = new ArrayDeque<>();
    /** Estimated size of each queued record, in queue order: computed once per offer. */
    private final IntFifo sizes = new IntFifo();
    /**
     * Handed out and not yet acknowledged, oldest first: only records a source waits for (see
     * {@link Events#keepsInFlight}). Keeping every record here held as many records as the sink had
     * taken and not confirmed (a TCP sink's whole re-send window) beyond what the sink itself keeps.
     */
    private final ArrayDeque<Kept> inFlight = new ArrayDeque<>();
    private long bytes;

    private record Kept(long position, LogRecord record) {
    }

    MemoryStore(Events events) {
        this.events = events;
    }

    @Override
    public int waiting() {
        return queue.size();
    }

    @Override
    public boolean isFull(long incoming, BufferSpec spec) {
        return !queue.isEmpty() && (queue.size() >= spec.maxEvents() || bytes + incoming > spec.maxBytes());
    }

    @Override
    public long sizeOf(LogRecord r) {
        return r.estimatedBytes();
    }

    @Override
    public boolean append(LogRecord r, long size) {
        queue.addLast(r);
        sizes.addLast((int) Math.min(Integer.MAX_VALUE, size));
        bytes += size;
        return true;
    }

    @Override
    public LogRecord next(long position) {
        LogRecord r = queue.pollFirst();
        if (r != null) {
            bytes -= sizes.pollFirst();
            if (events.keepsInFlight(r)) {
                inFlight.addLast(new Kept(position, r));
            }
        }
        return r;
    }

    @Override
    public boolean dropOldest() {
        LogRecord r = queue.pollFirst();
        if (r == null) {
            return false;
        }
        bytes -= sizes.pollFirst();
        events.released(List.of(r));
        return true;
    }

    @Override
    public boolean ack(long received) {
        Kept k = inFlight.peekFirst();
        if (k == null || k.position() > received) {
            return false;
        }
        List<LogRecord> done = new ArrayList<>();
        while (k != null && k.position() <= received) {
            done.add(inFlight.pollFirst().record());
            k = inFlight.peekFirst();
        }
        events.released(done);
        return false; // in-flight records do not count against the memory bounds
    }

    @Override
    public long cancel() {
        // dropped and counted: the sources need not keep them (a router shutting down stops listening first)
        if (!inFlight.isEmpty() || !queue.isEmpty()) {
            List<LogRecord> gone = new ArrayList<>(inFlight.size() + queue.size());
            for (Kept k : inFlight) {
                gone.add(k.record());
            }
            gone.addAll(queue);
            events.released(gone);
        }
        long n = queue.size();
        queue.clear();
        sizes.clear();
        inFlight.clear();
        bytes = 0;
        return n;
    }

    /** Estimated bytes waiting (not in flight). */
    long bytes() {
        return bytes;
    }
}
