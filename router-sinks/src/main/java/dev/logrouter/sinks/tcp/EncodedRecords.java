package dev.logrouter.sinks.tcp;

import dev.logrouter.core.record.LogRecord;
import dev.logrouter.sinks.encode.EncodedBuffer;
import dev.logrouter.sinks.encode.FramedEncoder;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * What a TCP sink holds of the records it was given: each record encoded once, as the framed bytes
 * it sends, plus a per-record index in primitive arrays. Records numbered {@code first..next-1} in
 * order; {@code first..sendFrom-1} are the re-send window (written on the current connection),
 * {@code sendFrom..next-1} wait to be written. A record's bytes are written again as they are (never
 * re-encoded, so a re-send repeats the first write byte for byte), and the record object itself is
 * not kept: only the last record of each batch, the one the buffer is acknowledged with.
 *
 * <p>The bytes live in fixed-size heap chunks that the encoder writes into directly; a write copies
 * them once into the transport's buffer, and a chunk whose records all left is reused. Not thread-safe: the sink's one
 * batch at a time touches it.
 */
final class EncodedRecords {

    /** A record given to the sink. */
    static final byte RECORD = 0;
    /** A gap record from the buffer: written like a record, announcing drops. */
    static final byte BUFFER_GAP = 1;
    /** A gap record made by this sink: not one of the records it was given. */
    static final byte OWN_GAP = 2;

    /** Handed to a connection at least once: writing it again counts as a re-send. */
    private static final byte SENT = 1;
    /** The kernel took it at least once: counted in {@code written}. */
    private static final byte WRITTEN = 2;

    /** Bytes per chunk: a chunk is left for a new one once less than {@link #CHUNK_SLACK} is free. */
    static final int CHUNK = 64 * 1024;
    private static final int CHUNK_SLACK = 4 * 1024;
    /** Emptied chunks kept for reuse: the window turns over about one chunk per chunk appended. */
    private static final int SPARE_CHUNKS = 4;

    private static final class Chunk {
        final EncodedBuffer buf;
        /** Stream position of its first byte. */
        final long base;
        /** Stream position of its first byte still in use (after a gap record was put ahead of it). */
        long live;

        Chunk(EncodedBuffer buf, long base) {
            this.buf = buf;
            this.base = base;
            this.live = base;
        }

        long end() {
            return base + buf.size();
        }
    }

    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    private final ArrayDeque<EncodedBuffer> spare = new ArrayDeque<>();

    /** The index: a ring of per-record slots, the slot of record n is {@code n & mask}. */
    private static final class Slots {
        /** Stream position just after the record. */
        final long[] ends;
        /** The cursor of a record; the loss a gap record announces. */
        final long[] values;
        /** When the record was first handed to a connection. */
        final long[] firstSent;
        final byte[] kinds;
        final byte[] flags;
        /**
         * How many records the sink had received from its buffer with this one's batch: acknowledged
         * once this one left; set on the last of each batch only, else 0.
         */
        final long[] ackAt;

        Slots(int capacity) {
            ends = new long[capacity];
            values = new long[capacity];
            firstSent = new long[capacity];
            kinds = new byte[capacity];
            flags = new byte[capacity];
            ackAt = new long[capacity];
        }

        void copy(int from, Slots to, int at) {
            to.ends[at] = ends[from];
            to.values[at] = values[from];
            to.firstSent[at] = firstSent[from];
            to.kinds[at] = kinds[from];
            to.flags[at] = flags[from];
            to.ackAt[at] = ackAt[from];
        }
    }

    private int mask = 255;
    private Slots idx = new Slots(mask + 1);

    private long first;
    private long sendFrom;
    private long next;
    /** Stream position of record {@code first}'s first byte. */
    private long startPos;
    /** Stream position where the next record goes. */
    private long endPos;

    long first() {
        return first;
    }

    long sendFrom() {
        return sendFrom;
    }

    long next() {
        return next;
    }

    boolean hasPending() {
        return sendFrom < next;
    }

    boolean hasWindow() {
        return first < sendFrom;
    }

    /** Bytes of the re-send window. */
    long windowBytes() {
        return start(sendFrom) - startPos;
    }

    /** Bytes waiting to be written. */
    long pendingBytes() {
        return endPos - start(sendFrom);
    }

    private int slot(long n) {
        return (int) n & mask;
    }

    private long start(long n) {
        return n == first ? startPos : idx.ends[slot(n - 1)];
    }

    int size(long n) {
        return (int) (idx.ends[slot(n)] - start(n));
    }

    byte kind(long n) {
        return idx.kinds[slot(n)];
    }

    /** The cursor of a record, the announced loss of a gap record. */
    long value(long n) {
        return idx.values[slot(n)];
    }

    boolean sent(long n) {
        return (idx.flags[slot(n)] & SENT) != 0;
    }

    boolean written(long n) {
        return (idx.flags[slot(n)] & WRITTEN) != 0;
    }

    long firstSentNanos(long n) {
        return idx.firstSent[slot(n)];
    }

    /** The buffer position to acknowledge once record {@code n} left, or 0. */
    long ackAt(long n) {
        return idx.ackAt[slot(n)];
    }

    /** Acknowledge the buffer up to {@code received} once record {@code n} left. */
    void ackAt(long n, long received) {
        idx.ackAt[slot(n)] = received;
    }

    static byte kindOf(LogRecord r, boolean own) {
        return own ? OWN_GAP : r.isGap() ? BUFFER_GAP : RECORD;
    }

    /**
     * Encodes {@code r} at the end, waiting to be written.
     *
     * @return its number
     * @throws RuntimeException what the encoder threw; nothing was added then
     */
    long append(LogRecord r, boolean own, FramedEncoder encoder) {
        Chunk c = chunks.peekLast();
        if (c == null || c.buf.size() > CHUNK - CHUNK_SLACK) {
            c = new Chunk(newBuffer(), endPos);
            chunks.addLast(c);
        }
        int before = c.buf.size();
        int n;
        try {
            n = encoder.append(r, c.buf);
        } catch (RuntimeException e) {
            c.buf.truncate(before);
            throw e;
        }
        return add(n, r, own);
    }

    /** Encodes {@code r} ahead of everything (nothing may be in the window). */
    long prepend(LogRecord r, boolean own, FramedEncoder encoder) {
        if (hasWindow()) {
            throw new IllegalStateException("prepend with records in the re-send window");
        }
        EncodedBuffer b = new EncodedBuffer(256);
        int n = encoder.append(r, b);
        grow();
        Chunk head = chunks.peekFirst();
        if (head != null) {
            // its bytes before the first record belong to records that left: never write them
            head.live = Math.max(head.live, startPos);
        }
        first--;
        sendFrom--;
        startPos -= n;
        chunks.addFirst(new Chunk(b, startPos));
        set(first, startPos + n, r, own);
        return first;
    }

    private long add(int n, LogRecord r, boolean own) {
        grow();
        endPos += n;
        set(next, endPos, r, own);
        return next++;
    }

    private void set(long n, long end, LogRecord r, boolean own) {
        int s = slot(n);
        idx.ends[s] = end;
        byte k = kindOf(r, own);
        idx.kinds[s] = k;
        idx.values[s] = k == RECORD ? r.cursor() : r.lost();
        idx.flags[s] = 0;
        idx.firstSent[s] = 0;
        idx.ackAt[s] = 0;
    }

    private void grow() {
        if (next - first <= mask) {
            return;
        }
        Slots bigger = new Slots((mask + 1) * 2);
        int m = bigger.ends.length - 1;
        for (long n = first; n < next; n++) {
            idx.copy(slot(n), bigger, (int) n & m);
        }
        idx = bigger;
        mask = m;
    }

    private EncodedBuffer newBuffer() {
        EncodedBuffer b = spare.pollFirst();
        if (b == null) {
            return new EncodedBuffer(CHUNK);
        }
        b.reset();
        return b;
    }

    /**
     * Marks what waits as handed to a connection now.
     *
     * @return how many of them are records given to the sink that were handed over before: re-sends
     */
    long markSent(long nowNanos) {
        long resent = 0;
        for (long n = sendFrom; n < next; n++) {
            int s = slot(n);
            if ((idx.flags[s] & SENT) != 0) {
                if (idx.kinds[s] != OWN_GAP) {
                    resent++;
                }
            } else {
                idx.flags[s] |= SENT;
                idx.firstSent[s] = nowNanos;
            }
        }
        return resent;
    }

    /**
     * Copies the bytes waiting to be written into {@code out} (the transport's direct buffer: the
     * one copy from the encoder's heap bytes to memory a socket write can use; the chunks themselves
     * stay here to be re-sent).
     */
    void copyPending(ByteBuf out) {
        ranges(chunks, start(sendFrom), endPos, out::writeBytes);
    }

    /** Bytes of the chunks in a run of stream positions. */
    private interface Range {
        void accept(byte[] array, int off, int len);
    }

    private static void ranges(ArrayDeque<Chunk> in, long from, long to, Range out) {
        for (Chunk c : in) {
            if (c.end() <= from) {
                continue;
            }
            if (c.base >= to) {
                break;
            }
            int off = (int) (Math.max(from, c.live) - c.base);
            int end = (int) (Math.min(to, c.end()) - c.base);
            if (end > off) {
                out.accept(c.buf.array(), off, end - off);
            }
        }
    }

    /**
     * What waited was taken by the kernel: it becomes the newest part of the window.
     *
     * @return how many of them were taken for the first time and are not the sink's own gap records
     */
    long markWritten() {
        long n = 0;
        for (long i = sendFrom; i < next; i++) {
            int s = slot(i);
            if ((idx.flags[s] & WRITTEN) == 0) {
                idx.flags[s] |= WRITTEN;
                if (idx.kinds[s] != OWN_GAP) {
                    n++;
                }
            }
        }
        sendFrom = next;
        return n;
    }

    /** Bytes written after record {@code n}'s end (n in the window). */
    long behind(long n) {
        return start(sendFrom) - idx.ends[slot(n)];
    }

    /** The oldest record of the window leaves it; chunks left without records are reused. */
    void evictFirst() {
        int s = slot(first);
        startPos = idx.ends[s];
        idx.ackAt[s] = 0;
        first++;
        releaseChunks();
    }

    private void releaseChunks() {
        Chunk c;
        while ((c = chunks.peekFirst()) != null && c.end() <= startPos) {
            chunks.pollFirst();
            if (spare.size() < SPARE_CHUNKS && c.buf.array().length == CHUNK) {
                spare.addLast(c.buf);
            }
        }
    }

    /** Everything in the window is to be written again, before what waits. */
    void rewind() {
        sendFrom = first;
    }

    /** The window leaves at once (the receiver is known to have read it). */
    void dropWindow() {
        while (first < sendFrom) {
            evictFirst();
        }
    }

    /** Newest acknowledgement position in the window, or 0. */
    long newestAckInWindow() {
        for (long n = sendFrom - 1; n >= first; n--) {
            long at = idx.ackAt[slot(n)];
            if (at != 0) {
                return at;
            }
        }
        return 0;
    }

    /**
     * Takes record {@code bad} out (nothing may be in the window), putting {@code instead}, when
     * given and encodable, in its place; the records after it keep their numbers. The bytes are
     * copied once into new chunks: this happens only when a record broke connection after connection.
     *
     * @return true when {@code instead} took its place
     */
    boolean replace(long bad, LogRecord instead, FramedEncoder encoder) {
        if (hasWindow()) {
            throw new IllegalStateException("replace with records in the re-send window");
        }
        long oldFirst = first;
        long oldNext = next;
        Slots was = idx;
        int wasMask = mask;
        long[] starts = new long[(int) (oldNext - oldFirst)];
        for (long n = oldFirst; n < oldNext; n++) {
            starts[(int) (n - oldFirst)] = start(n);
        }
        idx = new Slots(mask + 1);
        ArrayDeque<Chunk> old = new ArrayDeque<>(chunks);
        chunks.clear();
        boolean replaced = false;
        // records before bad shift up by one when bad leaves without a replacement
        long firstAfter = oldFirst;
        EncodedBuffer gapBytes = null;
        if (instead != null) {
            gapBytes = new EncodedBuffer(256);
            try {
                encoder.append(instead, gapBytes);
                replaced = true;
            } catch (RuntimeException ex) {
                gapBytes = null;
            }
        }
        if (!replaced) {
            firstAfter++;
        }
        first = firstAfter;
        sendFrom = firstAfter;
        next = firstAfter;
        startPos = 0;
        endPos = 0;
        for (long n = oldFirst; n < oldNext; n++) {
            int i = (int) (n - oldFirst);
            if (n == bad) {
                if (replaced) {
                    copyIn(gapBytes.array(), 0, gapBytes.size());
                    grow();
                    set(next, endPos, instead, true);
                    // acknowledging with it covers the dropped record, which is counted
                    idx.ackAt[slot(next)] = was.ackAt[(int) n & wasMask];
                    next++;
                }
                continue;
            }
            ranges(old, starts[i], was.ends[(int) n & wasMask], this::copyIn);
            grow();
            was.copy((int) n & wasMask, idx, slot(next));
            idx.ends[slot(next)] = endPos;
            next++;
        }
        return replaced;
    }

    private void copyIn(byte[] b, int off, int len) {
        Chunk c = chunks.peekLast();
        if (c == null || c.buf.size() > CHUNK - CHUNK_SLACK) {
            c = new Chunk(new EncodedBuffer(CHUNK), endPos);
            chunks.addLast(c);
        }
        c.buf.write(b, off, len);
        endPos += len;
    }

    /** Everything goes (the sink stopped). */
    void clear() {
        Arrays.fill(idx.ackAt, 0);
        chunks.clear();
        first = next;
        sendFrom = next;
        startPos = endPos;
    }

    /** The first {@code max} bytes of record {@code n} as text, for a log line. */
    String preview(long n, int max) {
        long from = start(n);
        long to = Math.min(idx.ends[slot(n)], from + max);
        EncodedBuffer b = new EncodedBuffer((int) (to - from) + 16);
        ranges(chunks, from, to, b::write);
        return b.toString().strip();
    }
}
