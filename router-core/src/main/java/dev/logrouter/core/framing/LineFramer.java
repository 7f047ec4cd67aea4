package dev.logrouter.core.framing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Splits a byte stream into lines. Not thread-safe: one framer per stream.
 *
 * <ul>
 *   <li>{@code \n} and {@code \r\n} end a line; the terminator is not part of the line.</li>
 *   <li>A line longer than {@code maxLineBytes} is emitted as consecutive pieces marked partial
 *       (the last piece, ended by its newline, is not partial); nothing is discarded. A cut never
 *       splits a UTF-8 sequence.</li>
 *   <li>{@link #flush()} emits a pending unterminated line as partial; callers call it at EOF and
 *       after an idle timeout.</li>
 *   <li>Lines are handed over as UTF-8 bytes, not decoded: invalid UTF-8 becomes U+FFFD, one per
 *       invalid byte as Go does it ({@link GoUtf8#sanitize}); NUL and other control bytes are kept as
 *       they are.</li>
 * </ul>
 */
public final class LineFramer {

    /** Receives framed lines. */
    @FunctionalInterface
    public interface LineConsumer {
        /**
         * @param line    the line without its terminator: valid UTF-8, in an array of its own that the
         *                consumer may keep (a record holds it as its message, see
         *                {@link dev.logrouter.core.record.LogRecord#ofUtf8})
         * @param partial true when the line was cut (too long, idle, or EOF) rather than ended by a newline
         */
        void accept(byte[] line, boolean partial);
    }

    private final int maxLineBytes;
    private final LineConsumer consumer;
    private byte[] pending;
    private int pendingLen;
    /** A {@code \r} was the last byte seen and may be the first half of {@code \r\n}. */
    private boolean pendingCr;
    private long lines;

    public LineFramer(int maxLineBytes, LineConsumer consumer) {
        if (maxLineBytes < 4) {
            throw new IllegalArgumentException("maxLineBytes must be at least 4, was " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
        this.consumer = consumer;
        this.pending = new byte[Math.min(maxLineBytes, 256)];
    }

    public int maxLineBytes() {
        return maxLineBytes;
    }

    /** Number of lines and pieces emitted so far. */
    public long emitted() {
        return lines;
    }

    /** True when bytes of an unterminated line are held. */
    public boolean hasPending() {
        return pendingLen > 0 || pendingCr;
    }

    public void feed(ByteBuffer buf) {
        if (buf.hasArray()) {
            int pos = buf.position();
            feed(buf.array(), buf.arrayOffset() + pos, buf.remaining());
            buf.position(buf.limit());
        } else {
            byte[] tmp = new byte[Math.min(buf.remaining(), 64 * 1024)];
            while (buf.hasRemaining()) {
                int n = Math.min(tmp.length, buf.remaining());
                buf.get(tmp, 0, n);
                feed(tmp, 0, n);
            }
        }
    }

    public void feed(byte[] data, int off, int len) {
        int end = off + len;
        int start = off;
        if (pendingCr && len > 0) {
            // a \r held back at the end of the previous chunk
            pendingCr = false;
            if (data[off] == '\n') {
                emitPendingPlus(data, start, 0, false);
                start = off + 1;
            } else {
                appendPending(new byte[] {'\r'}, 0, 1);
            }
        }
        int i = start;
        while (i < end) {
            long scan = scanNewline(data, i, end);
            int nl = (int) scan;
            if (nl < 0) {
                int tail = end - start;
                if (tail > 0 && data[end - 1] == '\r') {
                    appendPending(data, start, tail - 1);
                    pendingCr = true;
                } else {
                    appendPending(data, start, tail);
                }
                return;
            }
            int lineEnd = nl > start && data[nl - 1] == '\r' ? nl - 1 : nl;
            if (pendingLen == 0) {
                // the search read every byte of the line: when none had its high bit set, the line is
                // ASCII and needs no UTF-8 check
                emitDirect(data, start, lineEnd - start, scan >>> 32 == 0);
            } else {
                emitPendingPlus(data, start, lineEnd - start, false);
            }
            start = nl + 1;
            i = start;
        }
    }

    /** Emits a pending unterminated line as partial (EOF or idle timeout). */
    public void flush() {
        if (pendingCr) {
            pendingCr = false;
            appendPending(new byte[] {'\r'}, 0, 1);
        }
        if (pendingLen > 0) {
            byte[] s = sanitize(pending, 0, pendingLen);
            pendingLen = 0;
            shrinkPending();
            emit(s, true);
        }
    }

    /**
     * The first {@code \n} in {@code [from, to)}, or -1. Reads eight bytes at a time (a byte-wise loop
     * with an early exit is not vectorised by the JIT, and this runs over every byte ingested): XOR
     * with eight newlines turns a newline into a zero byte, and {@code (w - 0x01..) & ~w & 0x80..}
     * sets the high bit of the lowest zero byte (a borrow can mark bytes above a zero byte, never
     * below it, so in little-endian order the lowest mark is the first newline).
     */
    static int indexOfNewline(byte[] data, int from, int to) {
        return (int) scanNewline(data, from, to);
    }

    /**
     * {@link #indexOfNewline} in the low 32 bits; the high 32 bits are non-zero when a byte the search
     * read (every byte from {@code from} to the newline, and maybe a few after it) was not ASCII. One
     * OR per eight bytes, so the framer knows an ASCII line without reading it again.
     */
    static long scanNewline(byte[] data, int from, int to) {
        int i = from;
        long seen = 0;
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            long raw = (long) LONGS.get(data, i);
            seen |= raw;
            long w = raw ^ NEWLINES;
            long zero = (w - ONES) & ~w & HIGH_BITS;
            if (zero != 0) {
                return scanResult(i + (Long.numberOfTrailingZeros(zero) >>> 3), seen);
            }
        }
        for (; i < to; i++) {
            byte b = data[i];
            seen |= b & 0xFF;
            if (b == '\n') {
                return scanResult(i, seen);
            }
        }
        return scanResult(-1, seen);
    }

    private static long scanResult(int index, long seen) {
        return ((seen & HIGH_BITS) != 0 ? 1L << 32 : 0) | (index & 0xFFFFFFFFL);
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0a0a0a0a0a0a0a0aL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    /** A complete line with nothing pending: cut into pieces when too long. */
    private void emitDirect(byte[] data, int off, int len, boolean ascii) {
        while (len > maxLineBytes) {
            int cut = utf8Cut(data, off, maxLineBytes);
            emit(ascii ? Arrays.copyOfRange(data, off, off + cut) : sanitize(data, off, cut), true);
            off += cut;
            len -= cut;
        }
        emit(ascii ? Arrays.copyOfRange(data, off, off + len) : sanitize(data, off, len), false);
    }

    private void emitPendingPlus(byte[] data, int off, int len, boolean partial) {
        appendPending(data, off, len);
        byte[] s = sanitize(pending, 0, pendingLen);
        pendingLen = 0;
        shrinkPending();
        emit(s, partial);
    }

    /** Adds bytes to the pending line, emitting full-size pieces as partial whenever it overflows. */
    private void appendPending(byte[] data, int off, int len) {
        while (len > 0) {
            int room = maxLineBytes - pendingLen;
            if (len <= room) {
                ensureCapacity(pendingLen + len);
                System.arraycopy(data, off, pending, pendingLen, len);
                pendingLen += len;
                return;
            }
            ensureCapacity(maxLineBytes);
            System.arraycopy(data, off, pending, pendingLen, room);
            pendingLen = maxLineBytes;
            off += room;
            len -= room;
            int cut = utf8Cut(pending, 0, pendingLen);
            emit(sanitize(pending, 0, cut), true);
            int rest = pendingLen - cut;
            System.arraycopy(pending, cut, pending, 0, rest);
            pendingLen = rest;
        }
    }

    /**
     * Length of the longest prefix of {@code data[off, off+len)} that does not end inside a UTF-8
     * sequence; looks back at most three bytes, so invalid input is still cut near {@code len}.
     */
    static int utf8Cut(byte[] data, int off, int len) {
        for (int back = 1; back <= 3 && back <= len; back++) {
            int b = data[off + len - back] & 0xFF;
            if ((b & 0x80) == 0) {
                return len;
            }
            if ((b & 0xC0) == 0xC0) {
                int need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
                return need > back && len - back > 0 ? len - back : len;
            }
        }
        return len;
    }

    private void ensureCapacity(int n) {
        if (n > pending.length) {
            pending = Arrays.copyOf(pending, Math.min(Math.max(n, pending.length * 2), maxLineBytes));
        }
    }

    private void shrinkPending() {
        if (pending.length > 64 * 1024) {
            pending = new byte[256];
        }
    }

    private void emit(byte[] s, boolean partial) {
        lines++;
        consumer.accept(s, partial);
    }

    private static byte[] sanitize(byte[] data, int off, int len) {
        // one U+FFFD per invalid byte, as memlogd and Talos (Go) write it; valid input is one copy
        return GoUtf8.sanitize(data, off, len);
    }
}
