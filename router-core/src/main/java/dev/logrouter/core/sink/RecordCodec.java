package dev.logrouter.core.sink;

import dev.logrouter.core.framing.GoUtf8;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compact binary form of a {@link LogRecord} for the disk buffer's segments: every component,
 * including the ordered fields and the kind, survives a round trip.
 *
 * <pre>
 * version(1) kind(1) level(1) cursor(varlong) time(zigzag varlong)
 * source service stream msg   (each: varint length, UTF-8 bytes)
 * field count (varint), then per field: key (string), tag(1), value
 *   tags: 0 null, 1 string, 2 integer (zigzag varlong), 3 double (8 bytes), 4 true, 5 false,
 *         6 other number (decimal text, read back as BigInteger or BigDecimal)
 * </pre>
 * Values of other types (never produced by the sources) are stored as their string form.
 */
final class RecordCodec {

    static final int VERSION = 1;

    private static final LogRecord.Kind[] KINDS = LogRecord.Kind.values();
    private static final Level[] LEVELS = Level.values();

    private RecordCodec() {
    }

    /** Appends the encoded record to {@code out}, growing it as needed; returns the buffer to use. */
    static ByteBuffer encode(LogRecord r, ByteBuffer out) {
        out = ensure(out, 16 + 20);
        out.put((byte) VERSION);
        out.put((byte) r.kind().ordinal());
        out.put((byte) r.level().ordinal());
        putVarLong(out, r.cursor());
        putVarLong(out, zigzag(r.time()));
        out = putString(out, r.source());
        out = putString(out, r.service());
        out = putString(out, r.stream());
        byte[] utf8 = r.msgUtf8();
        out = utf8 != null ? putBytes(out, utf8) : putString(out, r.msg());
        Map<String, Object> f = r.fields();
        out = ensure(out, 5);
        putVarLong(out, f.size());
        for (Map.Entry<String, Object> e : f.entrySet()) {
            out = putString(out, e.getKey());
            out = ensure(out, 11);
            Object v = e.getValue();
            if (v == null) {
                out.put((byte) 0);
            } else if (v instanceof String s) {
                out.put((byte) 1);
                out = putString(out, s);
            } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
                out.put((byte) 2);
                putVarLong(out, zigzag(((Number) v).longValue()));
            } else if (v instanceof Double || v instanceof Float) {
                out.put((byte) 3);
                out.putDouble(((Number) v).doubleValue());
            } else if (v instanceof Boolean b) {
                out.put((byte) (b ? 4 : 5));
            } else if (v instanceof Number n) {
                out.put((byte) 6);
                out = putString(out, n.toString());
            } else {
                out.put((byte) 1);
                out = putString(out, v.toString());
            }
        }
        return out;
    }

    /**
     * Decodes one record that fills {@code in} from its position to its limit.
     *
     * @throws IllegalArgumentException when the bytes are not a record of a known version
     */
    static LogRecord decode(ByteBuffer in) {
        try {
            int version = in.get() & 0xFF;
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown record version " + version);
            }
            LogRecord.Kind kind = KINDS[in.get()];
            Level level = LEVELS[in.get()];
            long cursor = getVarLong(in);
            long time = unzigzag(getVarLong(in));
            String source = getString(in);
            String service = getString(in);
            String stream = getString(in);
            byte[] msg = getUtf8(in);
            long n = getVarLong(in);
            if (n < 0 || n > in.remaining()) {
                throw new IllegalArgumentException("bad field count " + n);
            }
            Map<String, Object> fields = Map.of();
            if (n > 0) {
                Map<String, Object> m = new LinkedHashMap<>((int) n * 2);
                for (int i = 0; i < n; i++) {
                    String k = getString(in);
                    int tag = in.get();
                    Object v = switch (tag) {
                        case 0 -> null;
                        case 1 -> getString(in);
                        case 2 -> unzigzag(getVarLong(in));
                        case 3 -> in.getDouble();
                        case 4 -> Boolean.TRUE;
                        case 5 -> Boolean.FALSE;
                        case 6 -> number(getString(in));
                        default -> throw new IllegalArgumentException("bad field tag " + tag);
                    };
                    m.put(k, v);
                }
                fields = Collections.unmodifiableMap(m);
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after the record");
            }
            return LogRecord.ofUtf8(time, source, service, stream, level, msg, fields, kind).assignCursor(cursor);
        } catch (java.nio.BufferUnderflowException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("truncated record", e);
        }
    }

    private static Number number(String text) {
        return text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0
                ? new BigInteger(text) : new BigDecimal(text);
    }

    private static ByteBuffer putString(ByteBuffer out, String s) {
        return putBytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static ByteBuffer putBytes(ByteBuffer out, byte[] b) {
        out = ensure(out, 5 + b.length);
        putVarLong(out, b.length);
        out.put(b);
        return out;
    }

    private static String getString(ByteBuffer in) {
        int len = stringLength(in);
        String s = new String(in.array(), in.arrayOffset() + in.position(), len, StandardCharsets.UTF_8);
        in.position(in.position() + len);
        return s;
    }

    private static int stringLength(ByteBuffer in) {
        long len = getVarLong(in);
        if (len < 0 || len > in.remaining()) {
            throw new IllegalArgumentException("bad string length " + len);
        }
        return (int) len;
    }

    /** A message, kept as UTF-8 (the segment's checksum guards it; invalid bytes are still replaced). */
    private static byte[] getUtf8(ByteBuffer in) {
        int len = stringLength(in);
        byte[] b = GoUtf8.sanitize(in.array(), in.arrayOffset() + in.position(), len);
        in.position(in.position() + len);
        return b;
    }

    static ByteBuffer ensure(ByteBuffer b, int more) {
        if (b.remaining() >= more) {
            return b;
        }
        int cap = Math.max(b.capacity() * 2, b.position() + more);
        ByteBuffer bigger = ByteBuffer.allocate(cap);
        b.flip();
        bigger.put(b);
        return bigger;
    }

    private static void putVarLong(ByteBuffer out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.put((byte) v);
    }

    private static long getVarLong(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("varint too long");
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }
}
