package dev.logrouter.sinks.encode;

import com.fasterxml.jackson.core.io.schubfach.DoubleToDecimal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * JSON values written byte for byte as Go's {@code encoding/json.Marshal} writes them, for the
 * Talos field set: strings escaped with Go's rules (short escapes for {@code \b \f \n \r \t},
 * a six-character escape in lower-case hex for other control characters, {@code <}, {@code >}, {@code &},
 * U+2028 and U+2029 escaped), floats in Go's shortest form ({@code 1e+21}, {@code 1e-7},
 * {@code 150}), maps with their keys sorted by UTF-8 bytes.
 */
final class GoJson {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** Go sorts map keys by their UTF-8 bytes, which is code point order (not UTF-16 order). */
    static final Comparator<String> KEY_ORDER = GoJson::compareCodePoints;

    private GoJson() {
    }

    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** {@code before}, then {@code name} as a JSON string, then {@code :}: a key written as ready bytes. */
    static byte[] key(String before, String name) {
        EncodedBuffer b = new EncodedBuffer(before.length() + name.length() + 8);
        b.writeUtf8(before);
        writeString(b, name);
        b.write(':');
        return b.toByteArray();
    }

    static void writeString(EncodedBuffer out, String s) {
        out.write('"');
        int n = s.length();
        // most log text is printable ASCII that needs no escape: copied straight into the buffer,
        // without the String -> byte[] copy of getBytes
        int i = out.writePlainAscii(s, ESCAPED_ASCII);
        if (i == n) {
            out.write('"');
            return;
        }
        if (plain(s, i)) {
            byte[] utf8 = s.substring(i).getBytes(StandardCharsets.UTF_8);
            out.write(utf8, 0, utf8.length);
            out.write('"');
            return;
        }
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80) {
                switch (c) {
                    case '"': out.write('\\'); out.write('"'); break;
                    case '\\': out.write('\\'); out.write('\\'); break;
                    case '<': case '>': case '&': unicodeEscape(out, c); break;
                    default: out.write(c);
                }
            } else if (c < 0x20) {
                writeControl(out, c);
            } else if (c == 0x2028 || c == 0x2029 || c == 0xfffd) {
                // U+FFFD: the framer put it for an invalid byte, which Go writes as this escape
                unicodeEscape(out, c);
            } else if (c < 0x800) {
                out.write(0xc0 | (c >> 6));
                out.write(0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out.write(0xf0 | (cp >> 18));
                out.write(0x80 | ((cp >> 12) & 0x3f));
                out.write(0x80 | ((cp >> 6) & 0x3f));
                out.write(0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                // Go writes an invalid byte as the escape U+FFFD escape
                unicodeEscape(out, 0xfffd);
            } else {
                out.write(0xe0 | (c >> 12));
                out.write(0x80 | ((c >> 6) & 0x3f));
                out.write(0x80 | (c & 0x3f));
            }
        }
        out.write('"');
    }

    /**
     * {@link #writeString(EncodedBuffer, String)} for a message held as valid UTF-8 (the framer made
     * it so): the same output, with the bytes copied as they are instead of decoded and re-encoded.
     * U+FFFD is escaped, as the String path does, because it stands for an invalid input byte.
     */
    static void writeString(EncodedBuffer out, byte[] s, int from, int to) {
        out.write('"');
        int i = copyPlain(out, s, from, to);
        while (i < to) {
            int b = s[i];
            if (b >= 0) {
                if (!ESCAPED_ASCII[b]) {
                    out.write(b);
                } else if (b == '"' || b == '\\') {
                    out.write('\\');
                    out.write(b);
                } else if (b == '<' || b == '>' || b == '&') {
                    unicodeEscape(out, b);
                } else {
                    writeControl(out, b);
                }
                i = copyPlain(out, s, i + 1, to);
                continue;
            }
            int b0 = b & 0xff;
            if (b0 == 0xe2 && i + 2 < to && s[i + 1] == (byte) 0x80 && (s[i + 2] == (byte) 0xa8 || s[i + 2] == (byte) 0xa9)) {
                unicodeEscape(out, s[i + 2] == (byte) 0xa8 ? 0x2028 : 0x2029);
                i += 3;
            } else if (b0 == 0xef && i + 2 < to && s[i + 1] == (byte) 0xbf && s[i + 2] == (byte) 0xbd) {
                unicodeEscape(out, 0xfffd);
                i += 3;
            } else {
                // a lead or continuation byte of any other character: written as it is
                out.write(b0);
                i++;
            }
        }
        out.write('"');
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    /**
     * Copies {@code s[from, to)} while its bytes are ASCII that Go writes as they are, eight at a time
     * (the message copy is most of what the encoder does per record).
     *
     * @return the index of the first byte not copied ({@code to} when all were)
     */
    private static int copyPlain(EncodedBuffer out, byte[] s, int from, int to) {
        byte[] b = out.room(to - from);
        int shift = out.size() - from;
        int i = from;
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            long w = (long) LONGS.get(s, i);
            if (needsCare(w)) {
                break;
            }
            LONGS.set(b, i + shift, w);
        }
        for (; i < to; i++) {
            byte c = s[i];
            if (c < 0 || ESCAPED_ASCII[c]) {
                break;
            }
            b[i + shift] = c;
        }
        out.advance(i - from);
        return i;
    }

    /**
     * True when one of the eight bytes is not ASCII, below 0x20, or one of {@code " \ < > &}. A byte
     * test {@code (x - 0x01..) & ~x & 0x80..} is non-zero exactly when some byte of {@code x} is zero
     * (it may mark more bytes after it, which does not matter for "any"); {@code x = w ^ c..} makes the
     * bytes equal to {@code c} zero, and {@code w - 0x20..} borrows at the bytes below 0x20.
     */
    private static boolean needsCare(long w) {
        long control = (w - 0x2020202020202020L) & ~w;
        long quote = zeroByte(w ^ 0x2222222222222222L);
        long backslash = zeroByte(w ^ 0x5c5c5c5c5c5c5c5cL);
        long angle = zeroByte((w | 0x0202020202020202L) ^ 0x3e3e3e3e3e3e3e3eL); // < and > differ only in bit 1
        long amp = zeroByte(w ^ 0x2626262626262626L);
        return ((w | control | quote | backslash | angle | amp) & HIGH_BITS) != 0;
    }

    private static long zeroByte(long x) {
        return (x - ONES) & ~x;
    }

    private static void writeControl(EncodedBuffer out, int c) {
        switch (c) {
            case '\b': out.write('\\'); out.write('b'); break;
            case '\f': out.write('\\'); out.write('f'); break;
            case '\n': out.write('\\'); out.write('n'); break;
            case '\r': out.write('\\'); out.write('r'); break;
            case '\t': out.write('\\'); out.write('t'); break;
            default: unicodeEscape(out, c);
        }
    }

    /** True for an ASCII character Go writes escaped. */
    private static boolean needsEscape(char c) {
        return c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&';
    }

    /** {@link #needsEscape} as a table indexed by the character, for the copy loop of every string. */
    private static final boolean[] ESCAPED_ASCII = new boolean[128];

    static {
        for (char c = 0; c < 128; c++) {
            ESCAPED_ASCII[c] = needsEscape(c);
        }
    }

    /**
     * True when {@code s} from {@code from} on has nothing Go would escape or replace (so its UTF-8
     * bytes are the output).
     */
    private static boolean plain(String s, int from) {
        int n = s.length();
        for (int i = from; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (needsEscape(c)) {
                    return false;
                }
            } else if (c == 0x2028 || c == 0x2029 || c == 0xfffd) {
                return false;
            } else if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    private static void unicodeEscape(EncodedBuffer out, int c) {
        out.write('\\');
        out.write('u');
        out.write(HEX[(c >> 12) & 0xf]);
        out.write(HEX[(c >> 8) & 0xf]);
        out.write(HEX[(c >> 4) & 0xf]);
        out.write(HEX[c & 0xf]);
    }

    /** Any value a record field can hold; nested maps with sorted keys. */
    @SuppressWarnings("unchecked")
    static void writeValue(EncodedBuffer out, Object v) {
        if (v == null) {
            out.writeUtf8("null");
        } else if (v instanceof String s) {
            writeString(out, s);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            out.writeDecimal(((Number) v).longValue());
        } else if (v instanceof BigInteger b) {
            out.writeUtf8(b.toString());
        } else if (v instanceof Double d) {
            writeDouble(out, d);
        } else if (v instanceof Float f) {
            writeDouble(out, f.doubleValue());
        } else if (v instanceof BigDecimal b) {
            writeDouble(out, b.doubleValue());
        } else if (v instanceof Boolean b) {
            out.writeUtf8(b ? "true" : "false");
        } else if (v instanceof Map<?, ?> m) {
            writeMap(out, (Map<String, Object>) m);
        } else if (v instanceof List<?> l) {
            out.write('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                writeValue(out, l.get(i));
            }
            out.write(']');
        } else {
            writeString(out, String.valueOf(v));
        }
    }

    static void writeMap(EncodedBuffer out, Map<String, Object> m) {
        List<String> keys = new ArrayList<>(m.keySet());
        keys.sort(KEY_ORDER);
        out.write('{');
        boolean first = true;
        for (String k : keys) {
            if (!first) {
                out.write(',');
            }
            first = false;
            writeString(out, k);
            out.write(':');
            writeValue(out, m.get(k));
        }
        out.write('}');
    }

    /**
     * Go's float64 encoding: the shortest digits that read back as {@code d}, in plain notation
     * when {@code 1e-6 <= |d| < 1e21}, else {@code d.ddde±XX} with a one-digit negative exponent
     * written without its leading zero. NaN and infinities (which Go refuses) are written as null.
     */
    static void writeDouble(EncodedBuffer out, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            out.writeUtf8("null");
            return;
        }
        out.writeUtf8(formatDouble(d));
    }

    static String formatDouble(double d) {
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        // shortest round-trip digits, as Go's strconv 'g'/-1 finds them
        String java = DoubleToDecimal.toString(Math.abs(d));
        int e = java.indexOf('E');
        String mant = e < 0 ? java : java.substring(0, e);
        int exp10 = e < 0 ? 0 : Integer.parseInt(java.substring(e + 1));
        int dot = mant.indexOf('.');
        String intPart = dot < 0 ? mant : mant.substring(0, dot);
        String fracPart = dot < 0 ? "" : mant.substring(dot + 1);
        String digits = intPart + fracPart;
        // value = 0.digits * 10^point
        int point = intPart.length() + exp10;
        int lead = 0;
        while (lead < digits.length() - 1 && digits.charAt(lead) == '0') {
            lead++;
            point--;
        }
        digits = digits.substring(lead);
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        digits = digits.substring(0, end);
        StringBuilder sb = new StringBuilder(24);
        if (d < 0) {
            sb.append('-');
        }
        double abs = Math.abs(d);
        if (abs < 1e-6 || abs >= 1e21) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            int x = point - 1;
            sb.append('e').append(x < 0 ? '-' : '+');
            int ax = Math.abs(x);
            if (ax < 10 && x > 0) {
                sb.append('0');
            }
            sb.append(ax);
        } else if (point <= 0) {
            sb.append("0.");
            for (int i = 0; i < -point; i++) {
                sb.append('0');
            }
            sb.append(digits);
        } else if (point >= digits.length()) {
            sb.append(digits);
            for (int i = digits.length(); i < point; i++) {
                sb.append('0');
            }
        } else {
            sb.append(digits, 0, point).append('.').append(digits, point, digits.length());
        }
        return sb.toString();
    }
}
