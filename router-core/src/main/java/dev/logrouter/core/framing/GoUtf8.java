package dev.logrouter.core.framing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * UTF-8 decoding with Go's rule for invalid input: every byte that does not start a valid sequence
 * becomes one U+FFFD ({@code utf8.DecodeRune} returns {@code (RuneError, 1)}), so
 * {@code a\xed\xa0\x80b} gives three replacement characters where the JDK's decoder gives fewer.
 * memlogd and Talos are Go programs that keep the bytes and replace them this way when they print
 * or marshal them; decoding the same way at the framer makes logrouter's {@code logread} and Talos
 * {@code json_lines} output equal theirs for the same input.
 *
 * <p>{@link #sanitize} applies the same rule without decoding: the result is UTF-8 that decodes to
 * exactly what {@link #decode} gives, with each invalid byte replaced by U+FFFD's three bytes.
 */
public final class GoUtf8 {

    private GoUtf8() {
    }

    /** Decodes {@code len} bytes; valid input takes the JDK's fast path. */
    public static String decode(byte[] data, int off, int len) {
        String s = new String(data, off, len, StandardCharsets.UTF_8);
        if (s.indexOf('\ufffd') < 0) {
            return s;
        }
        // something was replaced (or the input holds a real U+FFFD): redo it byte by byte, as Go does
        StringBuilder sb = new StringBuilder(len);
        int i = off;
        int end = off + len;
        while (i < end) {
            int b0 = data[i] & 0xff;
            if (b0 < 0x80) {
                sb.append((char) b0);
                i++;
                continue;
            }
            int size = validLength(data, i, end);
            if (size == 0) {
                sb.append('\ufffd');
                i++;
                continue;
            }
            int cp;
            if (size == 2) {
                cp = ((b0 & 0x1f) << 6) | (data[i + 1] & 0x3f);
            } else if (size == 3) {
                cp = ((b0 & 0x0f) << 12) | ((data[i + 1] & 0x3f) << 6) | (data[i + 2] & 0x3f);
            } else {
                cp = ((b0 & 0x07) << 18) | ((data[i + 1] & 0x3f) << 12) | ((data[i + 2] & 0x3f) << 6)
                        | (data[i + 3] & 0x3f);
            }
            sb.appendCodePoint(cp);
            i += size;
        }
        return sb.toString();
    }

    private static final byte[] REPLACEMENT = {(byte) 0xef, (byte) 0xbf, (byte) 0xbd};
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    /**
     * A copy of {@code len} bytes that is valid UTF-8: every byte that does not start a valid sequence
     * becomes U+FFFD (as {@link #decode} does). ASCII is checked eight bytes at a time, the common
     * case then is one array copy.
     */
    public static byte[] sanitize(byte[] data, int off, int len) {
        int end = off + len;
        int i = off;
        for (; i <= end - Long.BYTES; i += Long.BYTES) {
            if (((long) LONGS.get(data, i) & HIGH_BITS) != 0) {
                break;
            }
        }
        int firstInvalid = -1;
        while (i < end) {
            if (data[i] >= 0) {
                i++;
                continue;
            }
            int size = validLength(data, i, end);
            if (size == 0) {
                firstInvalid = i;
                break;
            }
            i += size;
        }
        if (firstInvalid < 0) {
            return Arrays.copyOfRange(data, off, end);
        }
        // at most three output bytes per input byte
        byte[] out = new byte[firstInvalid - off + 3 * (end - firstInvalid)];
        int o = firstInvalid - off;
        System.arraycopy(data, off, out, 0, o);
        i = firstInvalid;
        while (i < end) {
            if (data[i] >= 0) {
                out[o++] = data[i++];
                continue;
            }
            int size = validLength(data, i, end);
            if (size == 0) {
                System.arraycopy(REPLACEMENT, 0, out, o, 3);
                o += 3;
                i++;
            } else {
                System.arraycopy(data, i, out, o, size);
                o += size;
                i += size;
            }
        }
        return Arrays.copyOf(out, o);
    }

    /** Length of the valid sequence at {@code i} (Go's accept ranges), or 0 when it is invalid. */
    private static int validLength(byte[] d, int i, int end) {
        int b0 = d[i] & 0xff;
        int lo = 0x80;
        int hi = 0xbf;
        int size;
        if (b0 >= 0xc2 && b0 <= 0xdf) {
            size = 2;
        } else if (b0 >= 0xe0 && b0 <= 0xef) {
            size = 3;
            if (b0 == 0xe0) {
                lo = 0xa0;
            } else if (b0 == 0xed) {
                hi = 0x9f;
            }
        } else if (b0 >= 0xf0 && b0 <= 0xf4) {
            size = 4;
            if (b0 == 0xf0) {
                lo = 0x90;
            } else if (b0 == 0xf4) {
                hi = 0x8f;
            }
        } else {
            return 0;
        }
        if (i + size > end) {
            return 0;
        }
        int b1 = d[i + 1] & 0xff;
        if (b1 < lo || b1 > hi) {
            return 0;
        }
        for (int k = 2; k < size; k++) {
            int b = d[i + k] & 0xff;
            if (b < 0x80 || b > 0xbf) {
                return 0;
            }
        }
        return size;
    }
}
