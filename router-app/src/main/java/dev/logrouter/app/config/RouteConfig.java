package dev.logrouter.app.config;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.route.Glob;
import dev.logrouter.core.route.RouteSpec;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One entry of {@code routes:}; every given condition must hold.
 *
 * @param from    source names
 * @param service service glob
 * @param stream  exact stream
 * @param level   this severity or more severe
 * @param message regex searched in the message
 * @param fields  exact field values
 * @param to      sink names (required)
 */
record RouteConfig(List<String> from, String service, String stream, Level level, String message,
                   Map<String, String> fields, @Required List<String> to) {

    RouteConfig {
        if (to != null && to.isEmpty()) {
            throw new IllegalArgumentException("'to' must name at least one sink");
        }
        if (service != null) {
            try {
                Glob.compile(service);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid 'service' glob: " + e.getMessage());
            }
        }
        if (message != null) {
            try {
                Pattern.compile(message);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("invalid 'message' regex: " + e.getDescription() + " near index "
                        + e.getIndex());
            }
        }
    }

    RouteSpec toSpec() {
        return new RouteSpec(from == null ? null : new LinkedHashSet<>(from), service == null ? null : Glob.compile(service),
                stream, level, message == null ? null : Pattern.compile(message), fields, to);
    }
}
