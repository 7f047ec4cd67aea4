package dev.logrouter.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a text that must be exactly one JSON object and hands over its keys and values in input
 * order (repeated keys included): the one JSON reader of the JSON-lines input ({@code net}) and of
 * Talos's line extraction ({@code parse: json}). They differ only in how values come out
 * ({@link Values}). In both, a lone surrogate escape (backslash-u-d800) in a key or string becomes
 * U+FFFD, as Go decodes it, so no record ever holds text a JSON encoder cannot write. Thread-safe.
 */
public final class JsonObjectReader {

    /** How values come out. */
    public enum Values {
        /**
         * As Go's {@code encoding/json} into {@code map[string]any} sees them (Talos's extraction):
         * nested objects as unmodifiable {@link Map}s (a repeated key keeps its last value in the place
         * of its first) and arrays as {@link List}s; integer literals as {@link Long}, or
         * {@link BigInteger} beyond it (exact, where Go would round to a float64); a number beyond
         * float64 range makes the text invalid, as in Go.
         */
        GO,
        /**
         * Flat, for a record that enters the journal as it is: nested objects and arrays as their
         * compact JSON text, integers beyond {@code long} as their digits (text), other numbers as
         * {@link Double}.
         */
        FLAT
    }

    /** Receives each key and value, in input order. */
    @FunctionalInterface
    public interface Entries {
        void entry(String key, Object value);
    }

    private final JsonFactory factory;
    private final Values values;

    /** @param maxDepth deepest nesting accepted; deeper text is invalid */
    public JsonObjectReader(int maxDepth, Values values) {
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
                .build();
        this.values = values;
    }

    /**
     * Reads {@code text}; the entries already handed over before a problem are to be discarded.
     *
     * @return {@code null} when the text is one JSON object, else why not ({@code not a JSON object},
     *         {@code text after the JSON object}, {@code invalid JSON: ...})
     */
    public String read(String text, Entries out) {
        try (JsonParser p = factory.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return "not a JSON object";
            }
            entries(p, out);
            if (p.nextToken() != null) {
                return "text after the JSON object";
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "invalid JSON: " + firstLine(e instanceof JsonProcessingException j ? j.getOriginalMessage()
                    : e.getMessage());
        }
    }

    /** Reads {@code text} into an ordered map (a repeated key keeps its last value in the place of its first), or {@code null}. */
    public Map<String, Object> readMap(String text) {
        Map<String, Object> m = new LinkedHashMap<>();
        return read(text, m::put) == null ? m : null;
    }

    /** The entries of the object whose START_OBJECT is the current token, up to its END_OBJECT. */
    private void entries(JsonParser p, Entries out) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String key = sanitize(p.currentName());
            p.nextToken();
            out.entry(key, value(p));
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IOException("unterminated object");
        }
    }

    private Object value(JsonParser p) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT:
                if (values == Values.FLAT) {
                    return jsonText(p);
                }
                Map<String, Object> m = new LinkedHashMap<>();
                entries(p, m::put);
                return Collections.unmodifiableMap(m);
            case START_ARRAY: {
                if (values == Values.FLAT) {
                    return jsonText(p);
                }
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(value(p));
                }
                return Collections.unmodifiableList(list);
            }
            case VALUE_STRING:
                return sanitize(p.getText());
            case VALUE_NUMBER_INT:
                if (p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                    return p.getLongValue();
                }
                if (values == Values.FLAT) {
                    return p.getText();
                }
                BigInteger big = p.getBigIntegerValue();
                if (Double.isInfinite(big.doubleValue())) {
                    throw new IOException("number out of float64 range");
                }
                return big;
            case VALUE_NUMBER_FLOAT: {
                double d = p.getDoubleValue();
                if (values == Values.GO && Double.isInfinite(d)) {
                    throw new IOException("number out of float64 range");
                }
                return d;
            }
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected " + p.currentToken());
        }
    }

    /** The nested value starting at the current token, as compact JSON text (numbers as written). */
    private static String jsonText(JsonParser p) throws IOException {
        StringBuilder sb = new StringBuilder();
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
                    quote(sb, sanitize(p.currentName()));
                    sb.append(':');
                    needComma = false;
                    break;
                case VALUE_STRING:
                    if (needComma) {
                        sb.append(',');
                    }
                    quote(sb, sanitize(p.getText()));
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
                return sb.toString();
            }
            t = p.nextToken();
        } while (t != null);
        throw new IOException("unexpected end of input");
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s, sb);
        sb.append('"');
    }

    /** Lone surrogates become U+FFFD, as Go decodes them; valid text is returned as it is. */
    public static String sanitize(String s) {
        int n = s.length();
        int i = 0;
        while (i < n && !Character.isSurrogate(s.charAt(i))) {
            i++;
        }
        if (i == n) {
            return s;
        }
        StringBuilder sb = new StringBuilder(n).append(s, 0, i);
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                sb.append('\ufffd');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * The first line of the parser's message, as valid text: Jackson quotes the offending character,
     * which for a supplementary character is half of its surrogate pair; a lone surrogate could not
     * be written by the JSON encoders of the sinks.
     */
    private static String firstLine(String s) {
        if (s == null) {
            return "malformed";
        }
        int nl = s.indexOf('\n');
        return sanitize(nl < 0 ? s : s.substring(0, nl));
    }
}
