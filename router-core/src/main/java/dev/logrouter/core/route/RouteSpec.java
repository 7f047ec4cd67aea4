package dev.logrouter.core.route;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.transform.TransformChain;
import dev.logrouter.core.record.LogRecord;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One route: a record matches when every given condition holds; {@code null} or empty conditions
 * are not checked, so a route with none matches everything.
 *
 * @param from    source names
 * @param service service glob
 * @param stream  exact stream name
 * @param level   this severity or more severe
 * @param message regex searched in {@code msg}
 * @param fields  exact field values (compared as text)
 * @param to      sink names
 * @param transforms what the route does to a record on its way to {@code to} (the journal keeps
 *                   the record as it came)
 */
public record RouteSpec(Set<String> from, Glob service, String stream, Level level, Pattern message,
                        Map<String, String> fields, List<String> to, TransformChain transforms) {

    /** A route without transforms. */
    public RouteSpec(Set<String> from, Glob service, String stream, Level level, Pattern message,
                     Map<String, String> fields, List<String> to) {
        this(from, service, stream, level, message, fields, to, TransformChain.NONE);
    }

    public RouteSpec {
        transforms = transforms == null ? TransformChain.NONE : transforms;
        from = from == null ? Set.of() : Set.copyOf(from);
        fields = fields == null ? Map.of() : Map.copyOf(fields);
        to = List.copyOf(Objects.requireNonNull(to, "to"));
    }

    public boolean matches(LogRecord r) {
        if (!from.isEmpty() && !from.contains(r.source())) {
            return false;
        }
        if (stream != null && !stream.equals(r.stream())) {
            return false;
        }
        if (level != null && !r.level().atLeast(level)) {
            return false;
        }
        if (service != null && !service.matches(r.service())) {
            return false;
        }
        if (!fields.isEmpty()) {
            for (Map.Entry<String, String> e : fields.entrySet()) {
                Object v = r.fields().get(e.getKey());
                if (v == null || !e.getValue().equals(String.valueOf(v))) {
                    return false;
                }
            }
        }
        return message == null || message.matcher(r.msg()).find();
    }
}
