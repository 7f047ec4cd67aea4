package dev.logrouter.sinks.encode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.record.Rfc3339;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One JSON object per record, written with Jackson's streaming generator (no reflection). The
 * output is valid UTF-8 and never contains a raw control character or newline, so newline framing
 * is always safe. Keys are chosen by the {@link FieldSet}; {@code extraTags} are added to every
 * record and replace any other key of the same name (as Talos does); {@code host}, when set, adds
 * {@code host} (talos) or {@code host.name} (ecs); {@code includeCursor} adds the journal cursor
 * ({@code cursor}, or {@code event.sequence} in ecs, which always has it) so that a receiver can
 * recognise records re-sent after a reconnect.
 */
public final class JsonLinesEncoder implements RecordEncoder {

    private static final JsonFactory FACTORY = new JsonFactoryBuilder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM)
            .rootValueSeparator((SerializableString) null)
            .build();

    private static final SerializedString MSG = new SerializedString("msg");
    private static final SerializedString TALOS_LEVEL = new SerializedString("talos-level");
    private static final SerializedString TALOS_SERVICE = new SerializedString("talos-service");
    private static final SerializedString TALOS_TIME = new SerializedString("talos-time");
    private static final SerializedString CLOCK = new SerializedString("clock");
    private static final SerializedString FACILITY = new SerializedString("facility");
    private static final SerializedString PRIORITY = new SerializedString("priority");
    private static final SerializedString SEQ = new SerializedString("seq");
    private static final SerializedString HOST = new SerializedString("host");
    private static final SerializedString CURSOR = new SerializedString("cursor");
    private static final SerializedString PARTIAL = new SerializedString("partial");
    private static final SerializedString TRUNCATED = new SerializedString("truncated");

    private static final Set<String> TALOS_SERVICE_KEYS =
            Set.of("msg", "talos-level", "talos-service", "talos-time", "host", "cursor", "partial", "truncated");
    private static final Set<String> ECS_KEYS =
            Set.of("@timestamp", "message", "log", "service", "host", "event", "labels", "fields", "truncated");

    /** Kernel record field names, as the kmsg source stores them in {@link LogRecord#fields()}. */
    public static final String CLOCK_FIELD = "clock";
    public static final String FACILITY_FIELD = "facility";
    public static final String PRIORITY_FIELD = "priority";
    public static final String SEQ_FIELD = "seq";

    private final FieldSet fieldSet;
    private final Map<String, String> extraTags;
    private final String host;
    private final boolean includeCursor;
    private EncodedBuffer target;
    private JsonGenerator gen;
    /** Bytes that JSON requires escaped inside a string: control characters, quote, backslash. */
    private static final boolean[] NEEDS_ESCAPE = new boolean[256];

    static {
        for (int b = 0; b < 0x20; b++) {
            NEEDS_ESCAPE[b] = true;
        }
        NEEDS_ESCAPE['"'] = true;
        NEEDS_ESCAPE['\\'] = true;
    }

    private final Rfc3339.Cached time = new Rfc3339.Cached();
    private final byte[] timeBytes = new byte[48];
    private final char[] timeChars = new char[48];

    public JsonLinesEncoder(FieldSet fieldSet, Map<String, String> extraTags, String host, boolean includeCursor) {
        this.fieldSet = Objects.requireNonNull(fieldSet, "fieldSet");
        this.extraTags = extraTags == null ? Map.of() : new LinkedHashMap<>(extraTags);
        this.host = host == null || host.isEmpty() ? null : host;
        this.includeCursor = includeCursor;
    }

    /** Talos field set, no tags, no host, no cursor. */
    public JsonLinesEncoder() {
        this(FieldSet.TALOS, Map.of(), null, false);
    }

    /** Talos's {@code talos-level}: {@code error}, {@code warn}, {@code info} or {@code debug}. */
    public static String talosLevel(Level level) {
        switch (level) {
            case EMERG: case ALERT: case CRIT: case ERR: return "error";
            case WARNING: return "warn";
            case NOTICE: case INFO: return "info";
            default: return "debug";
        }
    }

    @Override
    public void encode(LogRecord r, EncodedBuffer out) {
        encode(r, out, false);
    }

    /**
     * Encodes {@code r}; with {@code truncated} the record carries {@code "truncated": true} (the
     * UDP sink marks a record whose message it had to shorten).
     */
    public void encode(LogRecord r, EncodedBuffer out, boolean truncated) {
        int start = out.size();
        try {
            if (gen == null || target != out) {
                target = out;
                gen = FACTORY.createGenerator(out);
            }
            gen.writeStartObject();
            if (fieldSet == FieldSet.ECS) {
                writeEcs(r, truncated);
            } else if ("kernel".equals(r.stream())) {
                writeTalosKernel(r, truncated);
            } else {
                writeTalosService(r, truncated);
            }
            for (Map.Entry<String, String> t : extraTags.entrySet()) {
                gen.writeStringField(t.getKey(), t.getValue());
            }
            gen.writeEndObject();
            gen.flush();
        } catch (IOException | RuntimeException e) {
            // A broken generator must not leave half an object behind or poison the next record.
            gen = null;
            out.truncate(start);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    private boolean tagged(String key) {
        return !extraTags.isEmpty() && extraTags.containsKey(key);
    }

    private void writeTime(long nanos) throws IOException {
        // The timestamp is plain ASCII and never needs escaping: hand it over as raw UTF-8.
        int n = time.format(nanos, 9, timeChars);
        for (int i = 0; i < n; i++) {
            timeBytes[i] = (byte) timeChars[i];
        }
        gen.writeRawUTF8String(timeBytes, 0, n);
    }

    private void writeTalosService(LogRecord r, boolean truncated) throws IOException {
        if (includeCursor && !tagged("cursor")) {
            gen.writeFieldName(CURSOR);
            gen.writeNumber(r.cursor());
        }
        if (host != null && !tagged("host")) {
            gen.writeFieldName(HOST);
            gen.writeString(host);
        }
        if (!tagged("msg")) {
            gen.writeFieldName(MSG);
            writeText(r.msg());
        }
        if (r.isPartial() && !tagged("partial")) {
            gen.writeFieldName(PARTIAL);
            gen.writeBoolean(true);
        }
        if (!tagged("talos-level")) {
            gen.writeFieldName(TALOS_LEVEL);
            gen.writeString(talosLevel(r.level()));
        }
        if (!tagged("talos-service")) {
            gen.writeFieldName(TALOS_SERVICE);
            writeText(r.service());
        }
        if (!tagged("talos-time")) {
            gen.writeFieldName(TALOS_TIME);
            writeTime(r.time());
        }
        if (truncated && !tagged("truncated")) {
            gen.writeFieldName(TRUNCATED);
            gen.writeBoolean(true);
        }
        for (Map.Entry<String, Object> f : r.fields().entrySet()) {
            String k = f.getKey();
            if (!TALOS_SERVICE_KEYS.contains(k) && !tagged(k)) {
                gen.writeFieldName(k);
                writeValue(f.getValue());
            }
        }
    }

    private void writeTalosKernel(LogRecord r, boolean truncated) throws IOException {
        Map<String, Object> f = r.fields();
        if (!tagged("clock")) {
            gen.writeFieldName(CLOCK);
            writeValue(f.getOrDefault(CLOCK_FIELD, 0L));
        }
        if (includeCursor && !tagged("cursor")) {
            gen.writeFieldName(CURSOR);
            gen.writeNumber(r.cursor());
        }
        if (!tagged("facility")) {
            gen.writeFieldName(FACILITY);
            writeValue(f.getOrDefault(FACILITY_FIELD, "kern"));
        }
        if (host != null && !tagged("host")) {
            gen.writeFieldName(HOST);
            gen.writeString(host);
        }
        if (!tagged("msg")) {
            gen.writeFieldName(MSG);
            writeText(r.msg());
        }
        if (!tagged("priority")) {
            gen.writeFieldName(PRIORITY);
            writeValue(f.getOrDefault(PRIORITY_FIELD, r.level().label()));
        }
        if (!tagged("seq")) {
            gen.writeFieldName(SEQ);
            writeValue(f.getOrDefault(SEQ_FIELD, r.cursor()));
        }
        if (!tagged("talos-level")) {
            gen.writeFieldName(TALOS_LEVEL);
            gen.writeString(talosLevel(r.level()));
        }
        if (!tagged("talos-time")) {
            gen.writeFieldName(TALOS_TIME);
            writeTime(r.time());
        }
        if (truncated && !tagged("truncated")) {
            gen.writeFieldName(TRUNCATED);
            gen.writeBoolean(true);
        }
    }

    private void writeEcs(LogRecord r, boolean truncated) throws IOException {
        if (!tagged("@timestamp")) {
            gen.writeFieldName("@timestamp");
            writeTime(r.time());
        }
        if (!tagged("message")) {
            gen.writeStringField("message", r.msg());
        }
        if (!tagged("log")) {
            gen.writeObjectFieldStart("log");
            gen.writeStringField("level", r.level().label());
            gen.writeEndObject();
        }
        if (!tagged("service")) {
            gen.writeObjectFieldStart("service");
            gen.writeStringField("name", r.service());
            gen.writeEndObject();
        }
        if (host != null && !tagged("host")) {
            gen.writeObjectFieldStart("host");
            gen.writeStringField("name", host);
            gen.writeEndObject();
        }
        if (!tagged("event")) {
            gen.writeObjectFieldStart("event");
            gen.writeNumberField("sequence", r.cursor());
            gen.writeEndObject();
        }
        if (!tagged("labels")) {
            gen.writeObjectFieldStart("labels");
            gen.writeStringField("source", r.source());
            gen.writeStringField("stream", r.stream());
            if (r.isPartial()) {
                gen.writeStringField("partial", "true");
            }
            gen.writeEndObject();
        }
        if (!r.fields().isEmpty() && !tagged("fields")) {
            gen.writeObjectFieldStart("fields");
            for (Map.Entry<String, Object> f : r.fields().entrySet()) {
                gen.writeFieldName(f.getKey());
                writeValue(f.getValue());
            }
            gen.writeEndObject();
        }
        if (truncated && !tagged("truncated")) {
            gen.writeBooleanField("truncated", true);
        }
    }

    /**
     * Writes a string value. Most log text needs no escaping: for that, the JDK's intrinsic UTF-8
     * encoding plus one scan is several times cheaper than the generator's per-character escaping;
     * anything with a quote, backslash or control character goes through the generator.
     */
    private void writeText(String s) throws IOException {
        if (s.length() > 4096) {
            gen.writeString(s);
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        for (byte b : utf8) {
            if (NEEDS_ESCAPE[b & 0xff]) {
                gen.writeString(s);
                return;
            }
        }
        gen.writeRawUTF8String(utf8, 0, utf8.length);
    }

    private void writeValue(Object v) throws IOException {
        if (v == null) {
            gen.writeNull();
        } else if (v instanceof String s) {
            gen.writeString(s);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            gen.writeNumber(((Number) v).longValue());
        } else if (v instanceof Double d && !d.isNaN() && !d.isInfinite()) {
            gen.writeNumber(d);
        } else if (v instanceof Float fl && !fl.isNaN() && !fl.isInfinite()) {
            gen.writeNumber(fl);
        } else if (v instanceof java.math.BigInteger || v instanceof java.math.BigDecimal) {
            gen.writeNumber(v.toString());
        } else if (v instanceof Boolean b) {
            gen.writeBoolean(b);
        } else {
            gen.writeString(String.valueOf(v));
        }
    }
}
