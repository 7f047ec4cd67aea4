package dev.logrouter.core.net;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.io.IOException;
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
 * other keys become fields in order; nested objects and arrays are kept as their JSON text. A line
 * that is not exactly one JSON object is kept as the raw text with a {@value #PARSE_ERROR_FIELD} field.
 * Thread-safe.
 */
public final class JsonLineParser {

    public static final String PARSE_ERROR_FIELD = "parse_error";

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();

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
        Map<String, Object> fields = new LinkedHashMap<>();
        String msg = null;
        Level level = null;
        Long time = null;
        String svc = null;
        String strm = null;
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return raw(line, "not a JSON object", received, source, service, stream, extra);
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken v = p.nextToken();
                Object value = value(p, v);
                switch (key) {
                    case "msg":
                    case "message":
                        if (msg == null && value != null) {
                            msg = String.valueOf(value);
                            continue;
                        }
                        break;
                    case "level":
                    case "talos-level":
                    case "severity":
                        if (level == null && value != null) {
                            Level l = Level.parse(String.valueOf(value));
                            if (l != null) {
                                level = l;
                                continue;
                            }
                        }
                        break;
                    case "time":
                    case "@timestamp":
                    case "ts":
                    case "talos-time":
                        if (time == null) {
                            Long parsed = time(value);
                            if (parsed != null) {
                                time = parsed;
                                continue;
                            }
                        }
                        break;
                    case "service":
                    case "talos-service":
                        if (svc == null && value instanceof String s && !s.isEmpty()) {
                            svc = s;
                            continue;
                        }
                        break;
                    case "stream":
                        if (strm == null && value instanceof String s && !s.isEmpty()) {
                            strm = s;
                            continue;
                        }
                        break;
                    default:
                        break;
                }
                fields.put(key, value);
            }
            if (t != JsonToken.END_OBJECT) {
                return raw(line, "not a JSON object", received, source, service, stream, extra);
            }
            if (p.nextToken() != null) {
                return raw(line, "text after the JSON object", received, source, service, stream, extra);
            }
        } catch (IOException e) {
            return raw(line, "invalid JSON: " + firstLine(e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), received, source, service,
                    stream, extra);
        }
        fields.putAll(extra);
        return new Parsed(new LogRecord(LogRecord.NO_CURSOR, time == null ? received : time, source,
                svc == null ? service : svc, strm == null ? stream : strm, level == null ? Level.INFO : level,
                msg == null ? "" : msg, Collections.unmodifiableMap(fields), LogRecord.Kind.NORMAL), true);
    }

    /**
     * The first line of the parser's message, as valid text: Jackson quotes the offending character,
     * which for a supplementary character is half of its surrogate pair; a lone surrogate could not
     * be written by the JSON encoders of the sinks, so it becomes U+FFFD.
     */
    private static String firstLine(String s) {
        if (s == null) {
            return "malformed";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        StringBuilder out = null;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < line.length()
                    && Character.isLowSurrogate(line.charAt(i + 1));
            if (paired) {
                if (out != null) {
                    out.append(c).append(line.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (out == null) {
                    out = new StringBuilder(line.length()).append(line, 0, i);
                }
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? line : out.toString();
    }

    private static Parsed raw(String line, String why, long received, String source, String service, String stream,
                              Map<String, Object> extra) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put(PARSE_ERROR_FIELD, why);
        f.putAll(extra);
        return new Parsed(new LogRecord(LogRecord.NO_CURSOR, received, source, service, stream, Level.INFO, line,
                Collections.unmodifiableMap(f), LogRecord.Kind.NORMAL), false);
    }

    private static Object value(JsonParser p, JsonToken v) throws IOException {
        switch (v) {
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getText() : p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            case START_OBJECT:
            case START_ARRAY: {
                // keep nested values as their JSON text
                StringBuilder sb = new StringBuilder();
                copyStructure(p, sb);
                return sb.toString();
            }
            default:
                throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected token " + v);
        }
    }

    private static void copyStructure(JsonParser p, StringBuilder sb) throws IOException {
        int depth = 0;
        JsonToken t = p.currentToken();
        boolean needComma = false;
        do {
            switch (t) {
                case START_OBJECT:
                case START_ARRAY:
                    if (needComma) {
                        sb.append(',');
                    }
                    sb.append(t == JsonToken.START_OBJECT ? '{' : '[');
                    depth++;
                    needComma = false;
                    break;
                case END_OBJECT:
                case END_ARRAY:
                    sb.append(t == JsonToken.END_OBJECT ? '}' : ']');
                    depth--;
                    needComma = true;
                    break;
                case FIELD_NAME:
                    if (needComma) {
                        sb.append(',');
                    }
                    quote(sb, p.currentName());
                    sb.append(':');
                    needComma = false;
                    break;
                case VALUE_STRING:
                    if (needComma) {
                        sb.append(',');
                    }
                    quote(sb, p.getText());
                    needComma = true;
                    break;
                default:
                    if (needComma) {
                        sb.append(',');
                    }
                    sb.append(p.getText());
                    needComma = true;
                    break;
            }
            if (depth == 0) {
                return;
            }
            t = p.nextToken();
        } while (t != null);
        throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected end of input");
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s, sb);
        sb.append('"');
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
