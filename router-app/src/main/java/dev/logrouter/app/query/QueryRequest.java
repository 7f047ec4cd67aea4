package dev.logrouter.app.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.logrouter.core.journal.ReadMode;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.record.Rfc3339;
import dev.logrouter.core.route.Glob;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One request of the extended query protocol: a JSON object on one line (see
 * {@code docs/query-protocol.md}). Either a read ({@code mode}, {@code tail}, filters), a status
 * request ({@code {"status":true}}) or a reload request ({@code {"reload":true}}).
 *
 * @param mode     how to read the journal
 * @param tail     at most this many matching records from the dump; 0 for all
 * @param services service globs, any of which must match; empty for all
 * @param streams  stream globs, any of which must match; empty for all
 * @param sources  source names, any of which must match; empty for all
 * @param level    minimum severity, or {@code null}
 * @param since    only records at or after this epoch-nanos time; 0 for all
 * @param fields   exact field values that must all match (compared as text)
 * @param status   a status request (the other parameters are ignored)
 * @param reload   a reload request: the router reads its config file again (the other parameters
 *                 are ignored; {@code status} and {@code reload} together are an error)
 */
public record QueryRequest(ReadMode mode, long tail, List<String> services, List<String> streams,
                           List<String> sources, Level level, long since, Map<String, String> fields,
                           boolean status, boolean reload) {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> KEYS =
            Set.of("mode", "tail", "services", "streams", "sources", "level", "since", "fields", "status", "reload");

    public QueryRequest {
        services = List.copyOf(services);
        streams = List.copyOf(streams);
        sources = List.copyOf(sources);
        fields = Map.copyOf(fields);
        if (tail < 0) {
            throw new IllegalArgumentException("tail must not be negative");
        }
        // a bad glob is the client's error now, not an empty answer later
        services.forEach(Glob::compile);
        streams.forEach(Glob::compile);
        if (status && reload) {
            throw new IllegalArgumentException("a request is either status or reload, not both");
        }
    }

    /** A read or status request (not a reload). */
    public QueryRequest(ReadMode mode, long tail, List<String> services, List<String> streams, List<String> sources,
                        Level level, long since, Map<String, String> fields, boolean status) {
        this(mode, tail, services, streams, sources, level, since, fields, status, false);
    }

    /** A plain read of everything. */
    public static QueryRequest read(ReadMode mode, long tail) {
        return new QueryRequest(mode, tail, List.of(), List.of(), List.of(), null, 0, Map.of(), false);
    }

    /** The status request. */
    public static QueryRequest statusRequest() {
        return new QueryRequest(ReadMode.DUMP, 0, List.of(), List.of(), List.of(), null, 0, Map.of(), true);
    }

    /** The reload request. */
    public static QueryRequest reloadRequest() {
        return new QueryRequest(ReadMode.DUMP, 0, List.of(), List.of(), List.of(), null, 0, Map.of(), false, true);
    }

    /** Whether the request filters records at all. */
    public boolean filters() {
        return !services.isEmpty() || !streams.isEmpty() || !sources.isEmpty() || level != null || since != 0
                || !fields.isEmpty();
    }

    /** The wire name of a mode: {@code dump}, {@code follow}, {@code dump_follow}. */
    public static String modeName(ReadMode m) {
        switch (m) {
            case DUMP: return "dump";
            case FOLLOW: return "follow";
            default: return "dump_follow";
        }
    }

    /** The request as one JSON line (no newline). */
    public String toJson() {
        ObjectNode o = MAPPER.createObjectNode();
        if (status) {
            o.put("status", true);
            return o.toString();
        }
        if (reload) {
            o.put("reload", true);
            return o.toString();
        }
        o.put("mode", modeName(mode));
        if (tail > 0) {
            o.put("tail", tail);
        }
        putList(o, "services", services);
        putList(o, "streams", streams);
        putList(o, "sources", sources);
        if (level != null) {
            o.put("level", level.label());
        }
        if (since != 0) {
            o.put("since", Rfc3339.format(since));
        }
        if (!fields.isEmpty()) {
            ObjectNode f = o.putObject("fields");
            fields.forEach(f::put);
        }
        return o.toString();
    }

    private static void putList(ObjectNode o, String key, List<String> values) {
        if (!values.isEmpty()) {
            ArrayNode a = o.putArray(key);
            values.forEach(a::add);
        }
    }

    /**
     * Parses a request line.
     *
     * @throws IllegalArgumentException with a message for the client when the line is not a valid request
     */
    public static QueryRequest parse(String line) {
        JsonNode n;
        try {
            n = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("request is not valid JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("request must be a JSON object");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown request key '" + k + "' (known: mode, tail, services, "
                        + "streams, sources, level, since, fields, status, reload)");
            }
        }
        boolean status = flag(n, "status");
        boolean reload = flag(n, "reload");
        ReadMode mode = ReadMode.DUMP;
        if (n.has("mode")) {
            String m = text(n, "mode");
            switch (m) {
                case "dump": mode = ReadMode.DUMP; break;
                case "follow": mode = ReadMode.FOLLOW; break;
                case "dump_follow": mode = ReadMode.DUMP_THEN_FOLLOW; break;
                default: throw new IllegalArgumentException("unknown mode '" + m + "' (use dump, follow or dump_follow)");
            }
        }
        long tail = 0;
        if (n.has("tail")) {
            JsonNode t = n.get("tail");
            if (!t.canConvertToLong() || !t.isIntegralNumber() || t.longValue() < 0) {
                throw new IllegalArgumentException("tail must be a non-negative integer");
            }
            tail = t.longValue();
        }
        Level level = null;
        if (n.has("level")) {
            level = Level.parse(text(n, "level"));
            if (level == null) {
                throw new IllegalArgumentException("unknown level '" + n.get("level").asText()
                        + "' (use emerg, alert, crit, err, warning, notice, info or debug)");
            }
        }
        long since = 0;
        if (n.has("since")) {
            String s = text(n, "since");
            try {
                Instant i = Instant.parse(s);
                since = Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
            } catch (ArithmeticException e) {
                // epoch nanoseconds hold 1677..2262: a later time would wrap around into a wrong filter
                throw new IllegalArgumentException("since must be between 1677 and 2262, was '" + s + "'");
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("since must be an RFC 3339 UTC time like 2024-07-02T19:22:51Z, was '"
                        + s + "'");
            }
        }
        Map<String, String> fields = new LinkedHashMap<>();
        if (n.has("fields")) {
            JsonNode f = n.get("fields");
            if (!f.isObject()) {
                throw new IllegalArgumentException("fields must be an object of exact values");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = f.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isValueNode()) {
                    throw new IllegalArgumentException("fields." + e.getKey() + " must be a plain value");
                }
                fields.put(e.getKey(), e.getValue().asText());
            }
        }
        return new QueryRequest(mode, tail, strings(n, "services"), strings(n, "streams"), strings(n, "sources"),
                level, since, fields, status, reload);
    }

    private static boolean flag(JsonNode n, String key) {
        if (!n.has(key)) {
            return false;
        }
        if (!n.get(key).isBoolean()) {
            throw new IllegalArgumentException(key + " must be true or false");
        }
        return n.get(key).booleanValue();
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (!v.isTextual()) {
            throw new IllegalArgumentException(key + " must be a string");
        }
        return v.textValue();
    }

    private static List<String> strings(JsonNode n, String key) {
        if (!n.has(key)) {
            return List.of();
        }
        JsonNode v = n.get(key);
        if (v.isTextual()) {
            return List.of(v.textValue());
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException(key + " must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw new IllegalArgumentException(key + " must be a list of strings");
            }
            out.add(e.textValue());
        }
        return out;
    }

    /** A predicate for this request's filters; gap records always pass (they report loss). */
    RecordFilter filter() {
        return new RecordFilter(this);
    }

    /** The compiled filters of a request. */
    static final class RecordFilter {
        private final Glob[] services;
        private final Glob[] streams;
        private final Set<String> sources;
        private final Level level;
        private final long since;
        private final Map<String, String> fields;

        RecordFilter(QueryRequest q) {
            this.services = q.services.stream().map(Glob::compile).toArray(Glob[]::new);
            this.streams = q.streams.stream().map(Glob::compile).toArray(Glob[]::new);
            this.sources = Set.copyOf(q.sources);
            this.level = q.level;
            this.since = q.since;
            this.fields = q.fields;
        }

        boolean test(LogRecord r) {
            if (r.isGap()) {
                return true;
            }
            if (level != null && !r.level().atLeast(level)) {
                return false;
            }
            if (since != 0 && r.time() < since) {
                return false;
            }
            if (!sources.isEmpty() && !sources.contains(r.source())) {
                return false;
            }
            if (!any(services, r.service()) || !any(streams, r.stream())) {
                return false;
            }
            for (Map.Entry<String, String> e : fields.entrySet()) {
                Object v = r.fields().get(e.getKey());
                if (v == null || !e.getValue().equals(String.valueOf(v))) {
                    return false;
                }
            }
            return true;
        }

        private static boolean any(Glob[] globs, String s) {
            if (globs.length == 0) {
                return true;
            }
            for (Glob g : globs) {
                if (g.matches(s)) {
                    return true;
                }
            }
            return false;
        }
    }
}
