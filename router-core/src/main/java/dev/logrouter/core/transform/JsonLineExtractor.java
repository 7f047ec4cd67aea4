package dev.logrouter.core.transform;

import dev.logrouter.core.json.JsonObjectReader;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.math.BigInteger;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Talos's extraction of a service log line ({@code parseLogLine} in Talos's
 * {@code internal/app/machined/pkg/runtime/logging/extract.go}), as a pure function over one line.
 *
 * <p>Rules, in Talos's order:
 * <ol>
 *   <li>The line is trimmed of white space as Go's {@code bytes.TrimSpace} does; a blank line is
 *       {@link #isBlank blank} (Talos skips it).</li>
 *   <li>The line is a JSON object, or {@code prefix {json}} where the object starts at the first
 *       {@code {}; else it stays the message as it is.</li>
 *   <li>{@code time}, then {@code ts}: an RFC 3339 string, or epoch seconds (milliseconds when the
 *       number is beyond the year 3000) becomes the record time and the key is removed; the first
 *       that parses wins.</li>
 *   <li>{@code level} (a string): lower-cased, {@code warning} becomes {@code warn}, and when it is
 *       a zap level ({@code debug info warn error dpanic panic fatal}, or empty for {@code info})
 *       it becomes the level and the key is removed; else the key stays as it was written.</li>
 *   <li>{@code msg} (a string, trimmed) is appended to the prefix after a space; {@code err} (a
 *       string, trimmed) is appended after {@code ": "} and raises the level to at least
 *       {@code warn}; both keys are removed.</li>
 *   <li>Every other key stays, with its JSON type: {@link String}, {@link Long} or
 *       {@link BigInteger} (integer literals), {@link Double}, {@link Boolean}, {@code null},
 *       {@link List} and {@link Map} (nested, in input order).</li>
 * </ol>
 *
 * <p>Where Talos loses data this keeps it: integer literals stay exact (Go reads every number as
 * a float64, so beyond 2^53 digits are lost), and the line {@code null} keeps {@code null} as its
 * message (Go decodes it into an empty map and ships an empty message). Numbers Go cannot hold in a
 * float64 ({@code 1e400}) make the JSON invalid, as in Go. Invalid UTF-8 is already U+FFFD in the
 * line (one per invalid byte, as Go decodes it: see {@code LineFramer}); an escaped lone surrogate
 * (backslash-u-d800) becomes U+FFFD as in Go.
 *
 * <p>Thread-safe and stateless; a line without {@code {} and without surrounding white space is
 * returned without allocating.
 */
public final class JsonLineExtractor {

    /** Record time when the line carries none. */
    public static final long NO_TIME = Long.MIN_VALUE;

    /** Year 3000 in epoch seconds: Talos's limit between epoch seconds and milliseconds. */
    private static final double MAX_EPOCH_SECONDS = 32503680000d;

    /** Go's view of the values: nested maps and lists, exact integers, float64 range. */
    private static final JsonObjectReader READER = new JsonObjectReader(1000, JsonObjectReader.Values.GO);

    /**
     * What a line gives.
     *
     * @param msg    the message: prefix, {@code msg} and {@code err} joined as Talos joins them
     * @param time   epoch nanoseconds from {@code time}/{@code ts}, or {@link #NO_TIME}
     * @param level  the level from {@code level}/{@code err}, or {@code null} when the line sets none
     * @param zap    the zap level name Talos would send for {@code level}, or {@code null}
     * @param fields the remaining JSON keys in input order (empty for a plain line); unmodifiable
     * @param json   whether a JSON object was found
     */
    public record Result(String msg, long time, Level level, String zap, Map<String, Object> fields, boolean json) {
    }

    private JsonLineExtractor() {
    }

    /**
     * Extracts one line.
     *
     * @param line the record's message as the source read it
     * @return the extraction; {@code fields} is empty and {@code json} false for a plain line
     */
    public static Result extract(String line) {
        String l = trimSpace(line);
        int brace = l.indexOf('{');
        if (brace < 0) {
            // includes the line "null", which Talos turns into an empty message
            return new Result(l, NO_TIME, null, null, Map.of(), false);
        }
        String prefix = "";
        Map<String, Object> m = brace == 0 ? parseObject(l) : null;
        if (m == null && brace >= 0) {
            m = parseObject(l.substring(brace));
            if (m != null) {
                prefix = trimSpace(l.substring(0, brace));
            }
        }
        if (m == null) {
            return new Result(l, NO_TIME, null, null, Map.of(), false);
        }
        long time = NO_TIME;
        for (String k : new String[] {"time", "ts"}) {
            long t = parseTime(m.get(k));
            if (t != NO_TIME) {
                time = t;
                m.remove(k);
                break;
            }
        }
        String zap = null;
        if (m.get("level") instanceof String s) {
            String lower = s.toLowerCase(Locale.ROOT);
            if ("warning".equals(lower)) {
                lower = "warn";
            }
            if (lower.isEmpty()) {
                lower = "info";
            }
            if (zapRank(lower) != Integer.MIN_VALUE) {
                zap = lower;
                m.remove("level");
            }
        }
        String msg = prefix;
        if (m.get("msg") instanceof String s) {
            if (!msg.isEmpty()) {
                msg += " ";
            }
            msg += trimSpace(s);
            m.remove("msg");
        }
        if (m.get("err") instanceof String s) {
            if (zap == null || zapRank(zap) < zapRank("warn")) {
                zap = "warn";
            }
            if (!msg.isEmpty()) {
                msg += ": ";
            }
            msg += trimSpace(s);
            m.remove("err");
        }
        return new Result(msg, time, zap == null ? null : fromZap(zap), zap, Collections.unmodifiableMap(m), true);
    }

    /** True when the line is empty after Go's white space trimming; Talos sends no record for it. */
    public static boolean isBlank(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (!isGoSpace(line.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link #isBlank(String)} of a record's message; a message held as UTF-8 is read as bytes while
     * they are ASCII (only a non-ASCII character, which may be a Unicode space, needs the text).
     */
    public static boolean isBlank(LogRecord r) {
        byte[] utf8 = r.msgUtf8();
        if (utf8 == null) {
            return isBlank(r.msg());
        }
        for (byte b : utf8) {
            if (b < 0) {
                return isBlank(r.msg());
            }
            if (!isGoSpace((char) b)) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when {@link #extract} would give the record's message back as it is, with no fields: it has
     * no {@code '{'} and no white space at either end. A message held as UTF-8 is decoded only when an
     * end is not ASCII (it may be a Unicode space).
     */
    public static boolean isPlain(LogRecord r) {
        byte[] utf8 = r.msgUtf8();
        int n = utf8 == null ? 0 : utf8.length;
        if (utf8 == null || n > 0 && (utf8[0] < 0 || utf8[n - 1] < 0)) {
            String msg = r.msg();
            return msg.indexOf('{') < 0 && !msg.isEmpty() && !isGoSpace(msg.charAt(0))
                    && !isGoSpace(msg.charAt(msg.length() - 1));
        }
        if (n == 0 || isGoSpace((char) utf8[0]) || isGoSpace((char) utf8[n - 1])) {
            return false;
        }
        for (byte b : utf8) {
            if (b == '{') {
                return false;
            }
        }
        return true;
    }

    /** Go's {@code strings.TrimSpace}: trims {@code unicode.IsSpace} characters at both ends. */
    public static String trimSpace(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isGoSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isGoSpace(s.charAt(end - 1))) {
            end--;
        }
        return start == 0 && end == s.length() ? s : s.substring(start, end);
    }

    /** Go's {@code unicode.IsSpace} (every such code point is in the BMP). */
    public static boolean isGoSpace(char c) {
        switch (c) {
            case '\t': case '\n': case 0x0b: case '\f': case '\r': case ' ': case 0x85: case 0xa0:
            case 0x1680: case 0x2028: case 0x2029: case 0x202f: case 0x205f: case 0x3000:
                return true;
            default:
                return c >= 0x2000 && c <= 0x200a;
        }
    }

    /** zap's order of levels; {@link Integer#MIN_VALUE} when {@code zap} is not a zap level name. */
    static int zapRank(String zap) {
        switch (zap) {
            case "debug": return -1;
            case "info": return 0;
            case "warn": return 1;
            case "error": return 2;
            case "dpanic": return 3;
            case "panic": return 4;
            case "fatal": return 5;
            default: return Integer.MIN_VALUE;
        }
    }

    /** The syslog level standing for a zap level: each zap level has its own. */
    public static Level fromZap(String zap) {
        switch (zap) {
            case "debug": return Level.DEBUG;
            case "warn": return Level.WARNING;
            case "error": return Level.ERR;
            case "dpanic": return Level.CRIT;
            case "panic": return Level.ALERT;
            case "fatal": return Level.EMERG;
            default: return Level.INFO;
        }
    }

    /**
     * The zap level name Talos sends as {@code talos-level} for a service record of this level: the
     * inverse of {@link #fromZap} ({@code notice} reads as {@code info}).
     */
    public static String zapName(Level level) {
        switch (level) {
            case EMERG: return "fatal";
            case ALERT: return "panic";
            case CRIT: return "dpanic";
            case ERR: return "error";
            case WARNING: return "warn";
            case DEBUG: return "debug";
            default: return "info";
        }
    }

    /** Epoch nanoseconds of a {@code time}/{@code ts} value, or {@link #NO_TIME}. */
    static long parseTime(Object v) {
        if (v instanceof String s) {
            return GoRfc3339.parse(s);
        }
        if (v instanceof Number n) {
            // Talos: math.Modf on the float64, milliseconds when beyond the year 3000
            double ts = n.doubleValue();
            double sec = trunc(ts);
            double frac = ts - sec;
            if (sec > MAX_EPOCH_SECONDS) {
                double t = ts / 1000;
                sec = trunc(t);
                frac = t - sec;
            }
            long nanos = (long) (frac * 1e9);
            long s = (long) sec;
            // outside what epoch nanoseconds in a long can hold (1677..2262): keep the key instead
            if (s > 9_223_372_035L || s < -9_223_372_035L) {
                return NO_TIME;
            }
            return s * 1_000_000_000L + nanos;
        }
        return NO_TIME;
    }

    private static double trunc(double d) {
        return d < 0 ? Math.ceil(d) : Math.floor(d);
    }

    /** The JSON object that is the whole of {@code text}, or null when it is not one. */
    static Map<String, Object> parseObject(String text) {
        return READER.readMap(text);
    }
}
