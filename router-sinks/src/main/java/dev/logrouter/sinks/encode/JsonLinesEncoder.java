package dev.logrouter.sinks.encode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.record.Rfc3339;
import dev.logrouter.core.transform.JsonLineExtractor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One JSON object per record. The output is valid UTF-8 and never contains a raw control character
 * or newline, so newline framing is always safe. Keys are chosen by the {@link FieldSet}.
 *
 * <p>{@link FieldSet#TALOS} is Talos's own {@code json_lines}, byte for byte as Talos's Go code
 * writes it (rules derived from Talos's source, see {@code docs/talos.md}): a service line is
 * trimmed and its JSON extracted ({@link JsonLineExtractor}), keys come out sorted as Go sorts a
 * map, strings are escaped as Go escapes them, {@code extra_tags} replace any other key (service
 * records only, as in Talos); kernel records carry exactly Talos's seven keys. Keys Talos never
 * sends come only when asked: {@code extraFields} ({@code cursor}, {@code stream}, ...),
 * {@code host}, {@code includeCursor} (same as {@code cursor} in {@code extraFields}); a record the
 * UDP sink had to shorten says {@code "truncated": true}. Blank service lines are
 * {@link #skips skipped}.
 *
 * <p>{@link FieldSet#ECS} is written with Jackson's streaming generator; {@code extraTags} are added
 * to every record and replace any other key of the same name, {@code host} adds {@code host.name}.
 */
public final class JsonLinesEncoder implements RecordEncoder {

    private static final JsonFactory FACTORY = new JsonFactoryBuilder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM)
            .rootValueSeparator((SerializableString) null)
            .build();


    private static final String KERNEL = "kernel";
    /** Record fields a Talos service record leaves out unless {@code extra_fields} names them. */
    private static final Set<String> HIDDEN_SERVICE_FIELDS = Set.of(FieldNames.MEMLOGD_NAME);
    private static final Set<String> ECS_KEYS =
            Set.of("@timestamp", "message", "log", "service", "host", "event", "labels", "fields", "truncated");

    private final FieldSet fieldSet;
    private final Map<String, String> extraTags;
    private final String host;
    private final boolean includeCursor;
    private final List<String> extraFields;
    private long skipped;
    private EncodedBuffer target;
    private JsonGenerator gen;
    private final Rfc3339.Cached time = new Rfc3339.Cached();
    private final GoKeyedFields sortedFields = new GoKeyedFields();
    /**
     * The fields map whose visible fields {@link #sortedFields} holds sorted, or null: kept from record
     * to record (it is the source's, so this keeps no record alive).
     */
    private Map<String, Object> sortedFieldsOf;
    private final GoTime talosTime = new GoTime();
    private final byte[] timeBytes = new byte[48];
    private final char[] timeChars = new char[48];
    /** Adds a record field to {@link #sortedFields} unless Talos leaves it out; one per encoder, so no lambda per record. */
    private final java.util.function.BiConsumer<String, Object> putVisibleField = (k, v) -> {
        if (!HIDDEN_SERVICE_FIELDS.contains(k)) {
            sortedFields.put(k, v);
        }
    };

    /** The fixed keys of a plain Talos service record, ready as bytes with their separators. */
    private static final String[] FIXED_KEYS = {"msg", "talos-level", "talos-service", "talos-time"};
    /** {@link #FIXED_KEYS} as JSON keys with their colon; all but the first after a comma. */
    private static final byte[][] FIXED_KEY_BYTES = {
        GoJson.key("", "msg"), GoJson.key(",", "talos-level"), GoJson.key(",", "talos-service"),
        GoJson.key(",", "talos-time")};
    /** {@code talos-level} of each {@link Level}, by ordinal, as a JSON string. */
    private static final byte[][] LEVEL_VALUES = levelValues();

    public JsonLinesEncoder(FieldSet fieldSet, Map<String, String> extraTags, String host, boolean includeCursor) {
        this(fieldSet, extraTags, host, includeCursor, List.of());
    }

    /**
     * @param extraFields talos only: keys beyond Talos's own, by name: {@code cursor},
     *                    {@code stream}, {@code source}, {@code partial}, {@code truncated},
     *                    {@code memlogd_name}, or any record field
     */
    public JsonLinesEncoder(FieldSet fieldSet, Map<String, String> extraTags, String host, boolean includeCursor,
                            List<String> extraFields) {
        this.fieldSet = Objects.requireNonNull(fieldSet, "fieldSet");
        this.extraTags = extraTags == null ? Map.of() : new LinkedHashMap<>(extraTags);
        this.host = host == null || host.isEmpty() ? null : host;
        this.includeCursor = includeCursor;
        List<String> extra = new java.util.ArrayList<>(extraFields == null ? List.of() : extraFields);
        if (includeCursor && !extra.contains("cursor")) {
            extra.add("cursor");
        }
        this.extraFields = List.copyOf(extra);
    }

    /** Talos field set, no tags, no host, no cursor. */
    public JsonLinesEncoder() {
        this(FieldSet.TALOS, Map.of(), null, false);
    }

    /**
     * {@code talos-level} of a kernel record (Talos's {@code kmsgPriorityToLevel}): {@code error},
     * {@code warn}, {@code info} or {@code debug}.
     */
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
        if (fieldSet == FieldSet.TALOS) {
            try {
                if (KERNEL.equals(r.stream())) {
                    writeTalosKernel(r, truncated, out);
                } else {
                    writeTalosService(r, truncated, out);
                }
            } catch (RuntimeException e) {
                out.truncate(start);
                throw e;
            }
            return;
        }
        try {
            if (gen == null || target != out) {
                target = out;
                gen = FACTORY.createGenerator(out);
            }
            gen.writeStartObject();
            writeEcs(r, truncated);
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

    /**
     * True for a record Talos would not send: a service line that is empty once white space is
     * trimmed (Talos's {@code runSenders} skips it). Only the Talos field set skips anything.
     */
    @Override
    public boolean skips(LogRecord r) {
        if (fieldSet == FieldSet.TALOS && !KERNEL.equals(r.stream()) && JsonLineExtractor.isBlank(r)) {
            skipped++;
            return true;
        }
        return false;
    }

    /** Blank service lines {@link #skips skipped} so far. */
    public long skipped() {
        return skipped;
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

    /**
     * A service record as Talos's {@code jsonLinesSender} marshals it: the JSON keys the line
     * carries (see {@link JsonLineExtractor}) and the record's own fields except
     * {@code memlogd_name}, then {@code msg}, {@code talos-level}, {@code talos-service},
     * {@code talos-time}, then {@code extra_fields}, then {@code extra_tags} over everything; keys
     * sorted as Go sorts a map.
     */
    private void writeTalosService(LogRecord r, boolean truncated, EncodedBuffer out) {
        byte[] utf8 = r.msgUtf8();
        if (utf8 != null && !truncated && extraTags.isEmpty() && extraFields.isEmpty() && host == null
                && JsonLineExtractor.isPlain(r)) {
            // nothing to trim or extract: the message's bytes are copied with Go's escapes, undecoded
            writeTalosServiceFast(r, null, utf8, r.level(), r.time(), out);
            return;
        }
        String line = r.msg();
        String text;
        Level level;
        long t;
        Map<String, Object> lineFields;
        if (line.indexOf('{') < 0) {
            // no JSON object in the line: what the extractor gives for it, without building its result
            text = JsonLineExtractor.trimSpace(line);
            level = r.level();
            t = r.time();
            lineFields = Map.of();
        } else {
            JsonLineExtractor.Result x = JsonLineExtractor.extract(line);
            text = x.msg();
            level = x.level() == null ? r.level() : x.level();
            t = x.time() == JsonLineExtractor.NO_TIME ? r.time() : x.time();
            lineFields = x.fields();
        }
        if (lineFields.isEmpty() && extraTags.isEmpty() && extraFields.isEmpty() && host == null && !truncated) {
            // the common case: Talos's four keys as ready bytes, merged in Go's key order with the
            // record's own fields (the tcp source's peer, say); no value boxed, no key escaped twice
            writeTalosServiceFast(r, text, null, level, t, out);
            return;
        }
        GoKeyedFields m = scratchFields();
        if (!r.fields().isEmpty()) {
            r.fields().forEach(putVisibleField);
        }
        m.putAll(lineFields);
        m.put("msg", text);
        m.put("talos-level", JsonLineExtractor.zapName(level));
        m.put("talos-service", r.service());
        m.put("talos-time", talosTime.at(t));
        putExtras(r, truncated, m);
        m.putAll(extraTags);
        writeSorted(m, out);
    }

    /**
     * {@link #writeTalosService} when only the record's own fields join Talos's four keys: the
     * visible record fields are sorted (few: usually none or one) and merged with {@code msg},
     * {@code talos-level}, {@code talos-service}, {@code talos-time}, which are already in Go's
     * order and replace a record field of the same name, as the map assignment in Talos does. The
     * {@code msg} value is {@code text}, or when that is null the UTF-8 bytes {@code utf8}.
     */
    private void writeTalosServiceFast(LogRecord r, String text, byte[] utf8, Level level, long t, EncodedBuffer out) {
        GoKeyedFields m = visibleFieldsSorted(r.fields());
        int n = m.size();
        int j = 0;
        out.write('{');
        for (int fixed = 0; fixed < FIXED_KEYS.length; fixed++) {
            String name = FIXED_KEYS[fixed];
            int order = 1;
            while (j < n && (order = GoJson.compareCodePoints(m.key(j), name)) < 0) {
                // before msg a field is followed by the comma, after it preceded by one
                if (fixed > 0) {
                    out.write(',');
                }
                writeField(m, j, out);
                if (fixed == 0) {
                    out.write(',');
                }
                j++;
            }
            if (order == 0) {
                j++; // Talos's own key wins over a record field of that name
            }
            byte[] key = FIXED_KEY_BYTES[fixed];
            out.write(key, 0, key.length);
            switch (fixed) {
                case 0 -> {
                    if (text != null) {
                        GoJson.writeString(out, text);
                    } else {
                        GoJson.writeString(out, utf8, 0, utf8.length);
                    }
                }
                case 1 -> {
                    byte[] lv = LEVEL_VALUES[level.ordinal()];
                    out.write(lv, 0, lv.length);
                }
                case 2 -> GoJson.writeString(out, r.service());
                default -> writeGoTime(t, out);
            }
        }
        for (; j < n; j++) {
            out.write(',');
            writeField(m, j, out);
        }
        out.write('}');
    }

    /**
     * The record's fields Talos sends, sorted. (With a {@code Map.of} map, JDK 17 builds its entry set
     * for {@code forEach}: the 24 B per record measured for the {@code peer} shape.)
     */
    private GoKeyedFields visibleFieldsSorted(Map<String, Object> fields) {
        if (fields == sortedFieldsOf) {
            // a source shares one fields map among its records (the tcp source's per connection)
            return sortedFields;
        }
        GoKeyedFields m = scratchFields();
        if (!fields.isEmpty()) {
            fields.forEach(putVisibleField);
            m.sort();
        }
        sortedFieldsOf = fields;
        return m;
    }

    /** {@link #sortedFields} emptied for another use. */
    private GoKeyedFields scratchFields() {
        sortedFieldsOf = null;
        sortedFields.clear();
        return sortedFields;
    }

    private static void writeField(GoKeyedFields m, int i, EncodedBuffer out) {
        GoJson.writeString(out, m.key(i));
        out.write(':');
        GoJson.writeValue(out, m.value(i));
    }

    /**
     * A kernel record as Talos's {@code KmsgLogDeliveryController} sends it: exactly {@code clock},
     * {@code facility}, {@code msg}, {@code priority}, {@code seq}, {@code talos-level},
     * {@code talos-time} (plus any {@code extra_fields}; never {@code extra_tags}). Talos's
     * {@code msg} is all the text after the header, so it ends with the kernel's newline and holds
     * the dictionary lines ({@code " SUBSYSTEM=pci\n"}); those are rebuilt from the record.
     */
    private void writeTalosKernel(LogRecord r, boolean truncated, EncodedBuffer out) {
        Map<String, Object> f = r.fields();
        GoKeyedFields m = scratchFields();
        m.put(FieldNames.CLOCK, f.getOrDefault(FieldNames.CLOCK, 0L));
        m.put(FieldNames.FACILITY, f.getOrDefault(FieldNames.FACILITY, "kern"));
        m.put("msg", kernelText(r));
        m.put(FieldNames.PRIORITY, f.getOrDefault(FieldNames.PRIORITY, r.level().label()));
        m.put(FieldNames.SEQ, f.getOrDefault(FieldNames.SEQ, r.cursor()));
        m.put("talos-level", talosLevel(r.level()));
        m.put("talos-time", talosTime.at(r.time()));
        putExtras(r, truncated, m);
        writeSorted(m, out);
    }

    /** The text after the kmsg header: message, newline, then each dictionary line and its newline. */
    static String kernelText(LogRecord r) {
        StringBuilder sb = null;
        for (Map.Entry<String, Object> e : r.fields().entrySet()) {
            if (isDictionaryKey(e.getKey())) {
                if (sb == null) {
                    sb = new StringBuilder(r.msg().length() + 64).append(r.msg()).append('\n');
                }
                sb.append(' ').append(e.getKey()).append('=').append(e.getValue()).append('\n');
            }
        }
        return sb == null ? r.msg() + "\n" : sb.toString();
    }

    /** The kernel writes dictionary keys in upper case ({@code SUBSYSTEM}, {@code DEVICE}). */
    private static boolean isDictionaryKey(String k) {
        if (k.isEmpty()) {
            return false;
        }
        for (int i = 0; i < k.length(); i++) {
            char c = k.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private void putExtras(LogRecord r, boolean truncated, GoKeyedFields m) {
        if (host != null) {
            m.put("host", host);
        }
        for (String k : extraFields) {
            switch (k) {
                case "cursor": m.put(k, r.cursor()); break;
                case "stream": m.put(k, r.stream()); break;
                case "source": m.put(k, r.source()); break;
                case "partial": m.put(k, r.isPartial()); break;
                case "truncated": m.put(k, truncated); break;
                case FieldNames.MEMLOGD_NAME:
                    m.put(k, r.fields().getOrDefault(k, LogreadEncoder.memlogdName(r)));
                    break;
                default:
                    if (r.fields().containsKey(k)) {
                        m.put(k, r.fields().get(k));
                    }
            }
        }
        // the UDP sink's shortened record says so even without extra_fields
        if (truncated) {
            m.put("truncated", true);
        }
    }

    private void writeSorted(GoKeyedFields fields, EncodedBuffer out) {
        fields.sort();
        out.write('{');
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            GoJson.writeString(out, fields.key(i));
            out.write(':');
            if (fields.value(i) instanceof GoTime gt) {
                writeGoTime(gt.nanos(), out);
            } else {
                GoJson.writeValue(out, fields.value(i));
            }
        }
        out.write('}');
        fields.clear(); // no references kept to the record's values
    }

    /**
     * A time value: written as Go's {@code time.RFC3339Nano} (trailing zeros trimmed) in UTC. One per
     * encoder, set for each record: a record has one time value.
     */
    private static final class GoTime {
        private long nanos;

        GoTime at(long epochNanos) {
            nanos = epochNanos;
            return this;
        }

        long nanos() {
            return nanos;
        }
    }

    private void writeGoTime(long nanos, EncodedBuffer out) {
        int n = time.format(nanos, 9, timeChars);
        out.write('"');
        out.writeAscii(timeChars, 0, n);
        out.write('"');
    }

    private static byte[][] levelValues() {
        Level[] levels = Level.values();
        byte[][] v = new byte[levels.length][];
        for (Level l : levels) {
            EncodedBuffer b = new EncodedBuffer(16);
            GoJson.writeString(b, JsonLineExtractor.zapName(l));
            v[l.ordinal()] = b.toByteArray();
        }
        return v;
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
        } else if (v instanceof Map<?, ?> m) {
            gen.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                gen.writeFieldName(String.valueOf(e.getKey()));
                writeValue(e.getValue());
            }
            gen.writeEndObject();
        } else if (v instanceof List<?> l) {
            gen.writeStartArray();
            for (Object o : l) {
                writeValue(o);
            }
            gen.writeEndArray();
        } else {
            gen.writeString(String.valueOf(v));
        }
    }
}
