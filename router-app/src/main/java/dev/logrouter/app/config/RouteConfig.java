package dev.logrouter.app.config;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.route.Glob;
import dev.logrouter.core.route.RouteSpec;
import dev.logrouter.core.transform.TransformChain;
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
 * @param transforms what the route does to the records it sends (the journal keeps them as they came)
 */
record RouteConfig(List<String> from, String service, String stream, Level level, String message,
                   Map<String, String> fields, @Required List<String> to, List<TransformConfig> transforms) {

    RouteConfig {
        if (to != null && to.isEmpty()) {
            throw new IllegalArgumentException("'to' must name at least one sink");
        }
        if (service != null) {
            try {
                Glob.compile(service);
            } catch (IllegalArgumentException e) {
                throw new InvalidValueException("service", e.getMessage());
            }
        }
        if (message != null) {
            try {
                Pattern.compile(message);
            } catch (PatternSyntaxException e) {
                throw new InvalidValueException("message", regexError(e, message));
            }
        }
    }

    /**
     * {@code unclosed group at the end of regex "(x"}, {@code illegal character range at position 6 in
     * regex "ab[z-a]c"}: the position is 1-based, in characters, from the exception's index.
     */
    static String regexError(PatternSyntaxException e, String regex) {
        String d = e.getDescription();
        String what = d.isEmpty() ? "invalid regex" : Character.toLowerCase(d.charAt(0)) + d.substring(1);
        int i = e.getIndex();
        String where = i < 0 ? " in" : i >= regex.length() ? " at the end of" : " at position " + (i + 1) + " in";
        return what + where + " regex " + Glob.quote(regex);
    }

    /** The route, its transforms compiled ({@code index} names it in rate limit summaries). */
    RouteSpec toSpec(int index) {
        return new RouteSpec(from == null ? null : new LinkedHashSet<>(from), service == null ? null : Glob.compile(service),
                stream, level, message == null ? null : Pattern.compile(message), fields, to,
                TransformChain.compile(TransformConfig.specs(transforms), "route " + index));
    }
}
