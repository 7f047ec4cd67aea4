package dev.logrouter.core.net;

import dev.logrouter.core.json.JsonObjectReader;
import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns one JSON object (a line of {@code json_lines}) into a record. Lifted keys: {@code msg} or
 * {@code message} (or Talos' {@code msg}), {@code level} / {@code talos-level} / {@code severity},
 * {@code time} / {@code @timestamp} / {@code ts} / {@code talos-time} (RFC 3339 text, or epoch seconds,
 * milliseconds, microseconds or nanoseconds as a number), {@code service} / {@code talos-service}. All
 * other keys become fields in order; nested objects and arrays are kept as their JSON text
 * ({@link JsonObjectReader.Values#FLAT}, the reader Talos's extraction uses too). A line that is not
 * exactly one JSON object is kept as the raw text with a {@value FieldNames#PARSE_ERROR} field.
 * Thread-safe.
 */
final class JsonLineParser {


    /** Nested values stay their JSON text: the record enters the journal as it is. */
    private static final JsonObjectReader READER = new JsonObjectReader(64, JsonObjectReader.Values.FLAT);

    /** A parse result: the record and whether the line was valid JSON. */
    public record Parsed(LogRecord record, boolean ok) {
    }

    /**
     * @param line       the line without its newline
     * @param received   receive time, epoch nanoseconds (used when the object has no usable time)
     * @param source     config name of the source
     * @param service    service when the object names none
     * @param stream     stream of the record
     * @param extra      fields added after the object's own (e.g. {@code peer}); may be empty
     */
    public Parsed parse(String line, long received, String source, String service, String stream,
                        Map<String, Object> extra) {
        Lifted l = new Lifted();
        String why = READER.read(line, l::accept);
        if (why != null) {
            return raw(line, why, received, source, service, stream, extra);
        }
        l.fields.putAll(extra);
        return new Parsed(new LogRecord(LogRecord.NO_CURSOR, l.time == null ? received : l.time, source,
                l.svc == null ? service : l.svc, l.strm == null ? stream : l.strm,
                l.level == null ? Level.INFO : l.level, l.msg == null ? "" : l.msg,
                Collections.unmodifiableMap(l.fields), LogRecord.Kind.NORMAL), true);
    }

    /** The keys of one object as they are lifted into a record: the first usable one of each kind wins. */
    private static final class Lifted {
        final Map<String, Object> fields = new LinkedHashMap<>();
        String msg;
        Level level;
        Long time;
        String svc;
        String strm;

        void accept(String key, Object value) {
            if (!lift(key, value)) {
                fields.put(key, value);
            }
        }

        private boolean lift(String key, Object value) {
            switch (key) {
                case "msg":
                case "message":
                    if (msg == null && value != null) {
                        msg = String.valueOf(value);
                        return true;
                    }
                    return false;
                case "level":
                case "talos-level":
                case "severity":
                    if (level == null && value != null) {
                        level = Level.parse(String.valueOf(value));
                        return level != null;
                    }
                    return false;
                case "time":
                case "@timestamp":
                case "ts":
                case "talos-time":
                    if (time == null) {
                        time = time(value);
                        return time != null;
                    }
                    return false;
                case "service":
                case "talos-service":
                    if (svc == null && value instanceof String s && !s.isEmpty()) {
                        svc = s;
                        return true;
                    }
                    return false;
                case "stream":
                    if (strm == null && value instanceof String s && !s.isEmpty()) {
                        strm = s;
                        return true;
                    }
                    return false;
                default:
                    return false;
            }
        }
    }

    private static Parsed raw(String line, String why, long received, String source, String service, String stream,
                              Map<String, Object> extra) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put(FieldNames.PARSE_ERROR, why);
        f.putAll(extra);
        return new Parsed(new LogRecord(LogRecord.NO_CURSOR, received, source, service, stream, Level.INFO, line,
                Collections.unmodifiableMap(f), LogRecord.Kind.NORMAL), false);
    }

    /**
     * RFC 3339 text, or a number of epoch seconds / ms / µs / ns chosen by magnitude; null when it is
     * none of these or names a time epoch nanoseconds cannot hold (before 1677 or after 2262): such a
     * value stays a field instead of wrapping around into a wrong time.
     */
    static Long time(Object value) {
        try {
            if (value instanceof String s) {
                try {
                    OffsetDateTime t = OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                    return Math.addExact(Math.multiplyExact(t.toEpochSecond(), 1_000_000_000L), t.getNano());
                } catch (DateTimeException e) {
                    return null;
                }
            }
            if (value instanceof Long l) {
                long v = l;
                if (v < 0) {
                    return null;
                }
                if (v < 100_000_000_000L) {
                    return Math.multiplyExact(v, 1_000_000_000L);
                }
                if (v < 100_000_000_000_000L) {
                    return Math.multiplyExact(v, 1_000_000L);
                }
                if (v < 100_000_000_000_000_000L) {
                    return Math.multiplyExact(v, 1_000L);
                }
                return v;
            }
        } catch (ArithmeticException tooLarge) {
            return null;
        }
        if (value instanceof Double d && d >= 0 && d < 1e11) {
            double nanos = d * 1e9;
            // (long) of a double above Long.MAX_VALUE would give Long.MAX_VALUE, a wrong time
            return nanos < 0x1p63 ? (long) nanos : null;
        }
        return null;
    }
}
