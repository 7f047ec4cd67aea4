package dev.logrouter.sinks.encode;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte array that encoders append to and transports read from; reused across records
 * so encoding allocates nothing per record once warm. Not thread-safe.
 */
public final class EncodedBuffer extends OutputStream {

    private byte[] bytes;
    private int size;

    public EncodedBuffer() {
        this(4096);
    }

    public EncodedBuffer(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
    }

    /** The backing array; valid bytes are {@code [0, size())}. */
    public byte[] array() {
        return bytes;
    }

    public int size() {
        return size;
    }

    public void reset() {
        size = 0;
    }

    /** Cuts the content back to {@code newSize} bytes (e.g. to undo a record that did not fit). */
    public void truncate(int newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IllegalArgumentException("cannot truncate " + size + " bytes to " + newSize);
        }
        size = newSize;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    /** The content from {@code from} to the end, decoded as UTF-8 (for tests and small messages). */
    public String toString(int from) {
        return new String(bytes, from, size - from, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return toString(0);
    }

    private void ensure(int extra) {
        int need = size + extra;
        if (need > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(need, bytes.length * 2));
        }
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, bytes, size, len);
        size += len;
    }

    /**
     * Appends the chars of {@code s} from its start while they are ASCII and not marked in
     * {@code stops} (indexed by the character, 128 entries), one byte each, straight into the array.
     * A table rather than a predicate: this loop runs for every character of every message.
     *
     * @return the index of the first char not written ({@code s.length()} when all were)
     */
    public int writePlainAscii(String s, boolean[] stops) {
        int n = s.length();
        ensure(n);
        byte[] b = bytes;
        int at = size;
        int i = 0;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || stops[c]) {
                break;
            }
            b[at + i] = (byte) c;
        }
        size = at + i;
        return i;
    }

    /** Makes room for {@code n} more bytes and returns the array to write them into, from {@link #size()}. */
    byte[] room(int n) {
        ensure(n);
        return bytes;
    }

    /** Counts {@code n} bytes written into {@link #room} as content. */
    void advance(int n) {
        size += n;
    }

    /** Appends {@code s} as UTF-8; unpaired surrogates become U+FFFD. */
    public void writeUtf8(CharSequence s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                ensure(1);
                bytes[size++] = (byte) c;
            } else if (c < 0x800) {
                ensure(2);
                bytes[size++] = (byte) (0xc0 | (c >> 6));
                bytes[size++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                ensure(4);
                bytes[size++] = (byte) (0xf0 | (cp >> 18));
                bytes[size++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                bytes[size++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                bytes[size++] = (byte) (0x80 | (cp & 0x3f));
            } else {
                int cp = Character.isSurrogate(c) ? 0xfffd : c;
                ensure(3);
                bytes[size++] = (byte) (0xe0 | (cp >> 12));
                bytes[size++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                bytes[size++] = (byte) (0x80 | (cp & 0x3f));
            }
        }
    }

    /** Appends {@code len} chars that the caller knows are ASCII (digits, timestamps), one byte each. */
    public void writeAscii(char[] chars, int off, int len) {
        ensure(len);
        byte[] b = bytes;
        int at = size;
        for (int i = 0; i < len; i++) {
            b[at + i] = (byte) chars[off + i];
        }
        size = at + len;
    }

    /** Appends the decimal digits of {@code v}, without a {@code String} in between. */
    public void writeDecimal(long v) {
        if (v == Long.MIN_VALUE) {
            writeUtf8(Long.toString(v));
            return;
        }
        ensure(20);
        if (v < 0) {
            bytes[size++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long p = v; p >= 10; p /= 10) {
            digits++;
        }
        int at = size + digits;
        size = at;
        do {
            bytes[--at] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        } while (v != 0);
    }
}
