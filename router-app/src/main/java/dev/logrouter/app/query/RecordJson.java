package dev.logrouter.app.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.record.Rfc3339;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The full JSON form of a record in the extended query protocol (see {@code docs/query-protocol.md}):
 * {@code {"cursor":7,"time":"...Z","source":"..","service":"..","stream":"..","level":"info",
 * "msg":"..","kind":"normal","fields":{..}}}, one object per line.
 */
public final class RecordJson {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RecordJson() {
    }

    /** The record as one JSON line, newline included, UTF-8. */
    public static byte[] lineBytes(LogRecord r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(160 + r.msg().length());
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("cursor", r.cursor());
            StringBuilder time = new StringBuilder(30);
            Rfc3339.append(time, r.time());
            g.writeStringField("time", time.toString());
            g.writeStringField("source", r.source());
            g.writeStringField("service", r.service());
            g.writeStringField("stream", r.stream());
            g.writeStringField("level", r.level().label());
            g.writeStringField("msg", r.msg());
            g.writeStringField("kind", r.kind().name().toLowerCase(Locale.ROOT));
            g.writeObjectFieldStart("fields");
            for (Map.Entry<String, Object> e : r.fields().entrySet()) {
                g.writeFieldName(e.getKey());
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number n) {
            g.writeNumber(n.doubleValue());
        } else {
            g.writeString(String.valueOf(v));
        }
    }

    /**
     * Parses one line written by {@link #lineBytes}.
     *
     * @throws IllegalArgumentException when the line is not a record object
     */
    public static LogRecord parse(String line) {
        JsonNode n;
        try {
            n = MAPPER.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON record line: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject() || !n.has("msg") || !n.has("time")) {
            throw new IllegalArgumentException("not a record line: " + abbreviate(line));
        }
        long time;
        try {
            Instant i = Instant.parse(n.path("time").asText());
            time = i.getEpochSecond() * 1_000_000_000L + i.getNano();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("bad record time: " + n.path("time").asText());
        }
        Level level = Level.parse(n.path("level").asText("info"));
        LogRecord.Kind kind;
        try {
            kind = LogRecord.Kind.valueOf(n.path("kind").asText("normal").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            kind = LogRecord.Kind.NORMAL;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        JsonNode f = n.path("fields");
        for (Iterator<Map.Entry<String, JsonNode>> it = f.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            Object value;
            if (v.isNull()) {
                value = null;
            } else if (v.isBoolean()) {
                value = v.booleanValue();
            } else if (v.isIntegralNumber()) {
                value = v.longValue();
            } else if (v.isNumber()) {
                value = v.doubleValue();
            } else if (v.isTextual()) {
                value = v.textValue();
            } else {
                value = v.toString();
            }
            fields.put(e.getKey(), value);
        }
        return new LogRecord(n.path("cursor").asLong(0), time, n.path("source").asText(""),
                n.path("service").asText(""), n.path("stream").asText(""), level == null ? Level.INFO : level,
                n.path("msg").asText(), fields.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(fields),
                kind);
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
