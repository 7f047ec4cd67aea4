package dev.logrouter.core.kmsg;

import dev.logrouter.core.framing.GoUtf8;
import dev.logrouter.core.record.Facility;
import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Turns one {@code /dev/kmsg} record (the bytes of one {@code read()}) into a {@link LogRecord}.
 *
 * <p>Format (kernel ABI {@code dev-kmsg}): {@code <prio>,<seq>,<usec>,<flags>[,<more>...];<text>\n}
 * followed by zero or more continuation lines {@code " KEY=value\n"}. The record gets service and
 * stream {@code kernel}, the level from {@code prio & 7}, {@code msg} = the text with {@code \xHH}
 * escapes decoded (as UTF-8, invalid bytes as one U+FFFD each, Go's rule: {@link GoUtf8}) and without
 * its trailing newline, and fields in this order:
 * {@code facility} and {@code priority} (names), {@code seq} and {@code clock} (µs since boot, both
 * {@link Long}), the dictionary keys in kernel order (values unescaped), {@code caller} when the
 * kernel adds {@code caller=T123}, and {@code flags} only when it is not {@code -} (fragments on
 * older kernels). Unknown header fields are ignored, as the ABI asks. Facilities above 23 are named
 * by their number. A dictionary key named like one of these fields is kept as
 * {@value #DICTIONARY_PREFIX}{@code KEY}. A timestamp too large for epoch nanoseconds after the
 * boot time is a malformed record (bad timestamp), never a wrapped-around time.
 *
 * <p>Malformed input (no {@code ;}, bad numbers, a truncated header, a continuation line without
 * {@code =}) never throws: it becomes a record whose {@code msg} is the raw text, with a
 * {@value FieldNames#PARSE_ERROR} field saying what is wrong (after {@code facility}, {@code priority},
 * {@code seq} and {@code clock} when the header itself was fine), with the level of its priority
 * when that could be read (else {@code warning}), and is counted in
 * {@link #malformed()}.
 *
 * <p>No regular expressions, one pass over the bytes, one scratch buffer reused for unescaping: an
 * instance is not thread-safe; use one per reader thread.
 */
public final class KmsgRecordParser {

    public static final String SERVICE = "kernel";
    public static final String STREAM = "kernel";
    /**
     * Prefix of a dictionary key that has the name of one of the fields above (or starts with this
     * prefix): {@code " seq=x"} becomes field {@code dict.seq}, so the header's fields stay intact.
     */
    public static final String DICTIONARY_PREFIX = "dict.";

    private static final String[] LEVELS = new String[8];
    private static final Level[] LEVEL_VALUES = new Level[8];

    static {
        for (int i = 0; i < 8; i++) {
            LEVEL_VALUES[i] = Level.ofCode(i);
            LEVELS[i] = LEVEL_VALUES[i].label();
        }
    }

    /** Largest usec accepted (about 285 years): keeps {@code usec * 1000} far from overflow. */
    private static final long MAX_USEC = 1L << 53;
    private static final byte[] CALLER_PREFIX = "caller=".getBytes(StandardCharsets.US_ASCII);
    private static final String SUBSYSTEM = "SUBSYSTEM";
    private static final String DEVICE = "DEVICE";
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int ESCAPED = 1;
    private static final int NON_ASCII = 2;

    private final String source;
    private byte[] scratch = new byte[512];
    private long malformed;
    /** Cursor of the number reader. */
    private int pos;

    /** @param source config name of the source; the {@code source} of every record */
    public KmsgRecordParser(String source) {
        this.source = source;
    }

    /** Number of malformed records seen so far. */
    public long malformed() {
        return malformed;
    }

    /** {@link #parse(byte[], int, int, long)} of a whole array. */
    public LogRecord parse(byte[] record, long bootEpochNanos) {
        return parse(record, 0, record.length, bootEpochNanos);
    }

    /**
     * Parses one record.
     *
     * @param buf            bytes of one {@code read()}
     * @param off            start of the record in {@code buf}
     * @param len            length of the record (one trailing newline is optional)
     * @param bootEpochNanos wall-clock time of boot in epoch nanoseconds: record time = this + usec*1000
     * @return the record; never null
     */
    public LogRecord parse(byte[] buf, int off, int len, long bootEpochNanos) {
        int end = off + len;
        if (end > off && buf[end - 1] == '\n') {
            end--;
        }
        // the header ends at the first ';' of the first line
        int semi = -1;
        int firstNl = end;
        for (int i = off; i < end; i++) {
            byte c = buf[i];
            if (c == ';') {
                semi = i;
                break;
            }
            if (c == '\n') {
                firstNl = i;
                break;
            }
        }
        if (semi < 0) {
            return malformed(buf, off, end, firstNl == off ? "empty record" : "no ';' after the header", -1, -1, -1,
                    bootEpochNanos);
        }
        pos = off;
        long prio = number(buf, semi);
        if (prio < 0 || prio > Integer.MAX_VALUE) {
            return malformed(buf, off, end, "bad priority", -1, -1, -1, bootEpochNanos);
        }
        if (pos >= semi || buf[pos] != ',') {
            return malformed(buf, off, end, "truncated header: no sequence number", prio, -1, -1, bootEpochNanos);
        }
        pos++;
        long seq = number(buf, semi);
        if (seq < 0) {
            return malformed(buf, off, end, "bad sequence number", prio, -1, -1, bootEpochNanos);
        }
        if (pos >= semi || buf[pos] != ',') {
            return malformed(buf, off, end, "truncated header: no timestamp", prio, seq, -1, bootEpochNanos);
        }
        pos++;
        long usec = number(buf, semi);
        // beyond what epoch nanoseconds hold after this boot time, the record time would wrap around
        if (usec < 0 || usec > MAX_USEC || usec > (Long.MAX_VALUE - Math.max(0, bootEpochNanos)) / 1000) {
            return malformed(buf, off, end, "bad timestamp", prio, seq, -1, bootEpochNanos);
        }
        String flags = "-";
        String caller = null;
        if (pos < semi) {
            if (buf[pos] != ',') {
                return malformed(buf, off, end, "bad timestamp", prio, seq, -1, bootEpochNanos);
            }
            pos++;
            int f = pos;
            while (pos < semi && buf[pos] != ',') {
                pos++;
            }
            flags = flagsOf(buf, f, pos);
            // further comma-separated header fields: caller=..., unknown ones ignored
            while (pos < semi) {
                int start = ++pos;
                while (pos < semi && buf[pos] != ',') {
                    pos++;
                }
                if (startsWith(buf, start, pos, CALLER_PREFIX)) {
                    int v = start + CALLER_PREFIX.length;
                    caller = new String(buf, v, pos - v, StandardCharsets.ISO_8859_1);
                }
            }
        }
        int textStart = semi + 1;
        // one pass over the text: its end, and whether it needs unescaping or UTF-8 decoding
        int textEnd = end;
        int kind = 0;
        int i = textStart;
        // eight bytes at a time while there is no newline, backslash or non-ASCII byte
        while (i + 8 <= end && plainWord((long) LONGS.get(buf, i))) {
            i += 8;
        }
        for (; i < end; i++) {
            byte c = buf[i];
            if (c == '\n') {
                textEnd = i;
                break;
            }
            if (c == '\\') {
                kind |= ESCAPED;
            } else if (c < 0) {
                kind |= NON_ASCII;
            }
        }
        int level = (int) (prio & 7);
        int facility = (int) (prio >>> 3);
        FieldMap.Builder fields = new FieldMap.Builder()
                .put(FieldNames.FACILITY, Facility.labelOf(facility))
                .put(FieldNames.PRIORITY, LEVELS[level])
                .put(FieldNames.SEQ, seq)
                .put(FieldNames.CLOCK, usec);
        for (int q = textEnd + 1; q < end; ) {
            if (buf[q] != ' ') {
                return malformed(buf, off, end, "continuation line does not start with a space", prio, seq, usec,
                        bootEpochNanos);
            }
            int nl = indexOf(buf, q, end, (byte) '\n');
            int eq = indexOf(buf, q + 1, nl, (byte) '=');
            if (eq == nl || eq == q + 1) {
                return malformed(buf, off, end, "continuation line is not KEY=value", prio, seq, usec,
                        bootEpochNanos);
            }
            String key = key(buf, q + 1, eq);
            // a dictionary key never replaces a field of the header (seq and clock drive the state file)
            fields.put(isHeaderField(key) ? DICTIONARY_PREFIX + key : key, text(buf, eq + 1, nl));
            q = nl + 1;
        }
        if (caller != null) {
            fields.put(FieldNames.CALLER, caller);
        }
        if (!"-".equals(flags)) {
            fields.put(FieldNames.FLAGS, flags);
        }
        return new LogRecord(LogRecord.NO_CURSOR, bootEpochNanos + usec * 1000, source, SERVICE, STREAM,
                LEVEL_VALUES[level], decode(buf, textStart, textEnd, kind), fields.build(), LogRecord.Kind.NORMAL);
    }

    private static boolean isHeaderField(String key) {
        switch (key) {
            case FieldNames.FACILITY:
            case FieldNames.PRIORITY:
            case FieldNames.SEQ:
            case FieldNames.CLOCK:
            case FieldNames.CALLER:
            case FieldNames.FLAGS:
            case FieldNames.PARSE_ERROR:
                return true;
            default:
                return key.startsWith(DICTIONARY_PREFIX);
        }
    }

    /** The kernel sequence number of a record from this parser, or -1 when it has none. */
    public static long seqOf(LogRecord r) {
        return r.fields().get(FieldNames.SEQ) instanceof Long l ? l : -1;
    }

    /** The kernel timestamp (µs since boot) of a record from this parser, or -1 when it has none. */
    public static long clockOf(LogRecord r) {
        return r.fields().get(FieldNames.CLOCK) instanceof Long l ? l : -1;
    }

    /** True for a record this parser could not parse. */
    public static boolean isMalformed(LogRecord r) {
        return r.fields().containsKey(FieldNames.PARSE_ERROR);
    }

    private LogRecord malformed(byte[] buf, int off, int end, String why, long prio, long seq, long usec,
                                long bootEpochNanos) {
        malformed++;
        FieldMap.Builder fields = new FieldMap.Builder();
        if (prio >= 0 && seq >= 0 && usec >= 0) {
            fields.put(FieldNames.FACILITY, Facility.labelOf((int) (prio >>> 3)))
                    .put(FieldNames.PRIORITY, LEVELS[(int) (prio & 7)])
                    .put(FieldNames.SEQ, seq)
                    .put(FieldNames.CLOCK, usec);
        }
        fields.put(FieldNames.PARSE_ERROR, why);
        Level level = prio >= 0 ? LEVEL_VALUES[(int) (prio & 7)] : Level.WARNING;
        long time = usec >= 0 ? bootEpochNanos + usec * 1000 : LogRecord.now();
        return new LogRecord(LogRecord.NO_CURSOR, time, source, SERVICE, STREAM, level,
                GoUtf8.decode(buf, off, end - off), fields.build(), LogRecord.Kind.NORMAL);
    }

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long NEWLINES = ONES * '\n';
    private static final long BACKSLASHES = ONES * '\\';

    /** True when none of the 8 bytes is a newline, a backslash or a non-ASCII byte (SWAR test). */
    private static boolean plainWord(long w) {
        long nl = w ^ NEWLINES;
        long bs = w ^ BACKSLASHES;
        long zeroNl = (nl - ONES) & ~nl;
        long zeroBs = (bs - ONES) & ~bs;
        return ((w | zeroNl | zeroBs) & HIGHS) == 0;
    }

    /** Unsigned decimal at {@link #pos}, stopping at the first non-digit; -1 when there is no digit or it overflows. */
    private long number(byte[] b, int to) {
        int start = pos;
        int p = start;
        long v = 0;
        while (p < to) {
            int d = b[p] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            // no division on the hot path: overflow only above 922337203685477580 * 10 + 7
            if (v >= 922_337_203_685_477_580L && (v > 922_337_203_685_477_580L || d > 7)) {
                pos = p;
                return -1;
            }
            v = v * 10 + d;
            p++;
        }
        pos = p;
        return p == start ? -1 : v;
    }

    private static String flagsOf(byte[] b, int from, int to) {
        if (to - from == 1) {
            switch (b[from]) {
                case '-': return "-";
                case 'c': return "c";
                case '+': return "+";
                default: break;
            }
        }
        return to == from ? "-" : new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static String key(byte[] b, int from, int to) {
        int n = to - from;
        if (n == 9 && matches(b, from, SUBSYSTEM)) {
            return SUBSYSTEM;
        }
        if (n == 6 && matches(b, from, DEVICE)) {
            return DEVICE;
        }
        return GoUtf8.decode(b, from, n);
    }

    private static boolean matches(byte[] b, int from, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            if (b[from + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] b, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return to;
    }

    /** Text or value: ASCII fast path, otherwise {@code \xHH} unescaped and decoded as UTF-8. */
    private String text(byte[] b, int from, int to) {
        int kind = 0;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c == '\\') {
                kind |= ESCAPED;
            } else if (c < 0) {
                kind |= NON_ASCII;
            }
        }
        return decode(b, from, to, kind);
    }

    private String decode(byte[] b, int from, int to, int kind) {
        if ((kind & ESCAPED) != 0) {
            return unescape(b, from, to);
        }
        return kind == 0 ? new String(b, from, to - from, StandardCharsets.ISO_8859_1) : GoUtf8.decode(b, from, to - from);
    }

    private String unescape(byte[] b, int from, int to) {
        if (scratch.length < to - from) {
            scratch = new byte[Math.max(to - from, scratch.length * 2)];
        }
        byte[] out = scratch;
        int n = 0;
        int i = from;
        while (i < to) {
            byte c = b[i];
            if (c == '\\' && i + 3 < to && b[i + 1] == 'x') {
                int hi = hex(b[i + 2]);
                int lo = hex(b[i + 3]);
                if (hi >= 0 && lo >= 0) {
                    out[n++] = (byte) (hi << 4 | lo);
                    i += 4;
                    continue;
                }
            }
            // not a valid \xHH: keep the backslash as it is
            out[n++] = c;
            i++;
        }
        return GoUtf8.decode(out, 0, n);
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
