package dev.logrouter.sinks.file;

import dev.logrouter.core.record.LogRecord;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file path with {@code {service}}, {@code {source}} and {@code {stream}} placeholders. Values are
 * sanitised before they are put in: every character outside {@code [A-Za-z0-9._+@-]} (path separators
 * included) becomes {@code _}, a leading dot becomes {@code _} (so {@code ..} and hidden names cannot
 * appear) and names are cut at 100 characters. A record therefore cannot name a file outside the
 * directory the template fixes: a service called {@code ../../etc/x} writes {@code _._.._etc_x}.
 */
final class PathTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(service|source|stream)}");
    private static final Pattern ANY_BRACE = Pattern.compile("\\{[^}]*}");

    private final String template;
    private final Path root;
    private final boolean constant;

    private PathTemplate(String template) {
        this.template = template;
        int first = template.indexOf('{');
        String fixed = first < 0 ? template : template.substring(0, first);
        int slash = fixed.lastIndexOf('/');
        Path r = slash < 0 ? Path.of("") : Path.of(slash == 0 ? "/" : fixed.substring(0, slash));
        this.root = r.toAbsolutePath().normalize();
        this.constant = first < 0;
    }

    /** @throws IllegalArgumentException for unknown placeholders, {@code ..} segments or a directory path */
    static PathTemplate parse(String template) {
        if (template.isBlank()) {
            throw new IllegalArgumentException("path must not be empty");
        }
        Matcher m = ANY_BRACE.matcher(template);
        while (m.find()) {
            if (!PLACEHOLDER.matcher(m.group()).matches()) {
                throw new IllegalArgumentException("unknown placeholder " + m.group() + " in path '" + template
                        + "' (use {service}, {source} or {stream})");
            }
        }
        if (template.endsWith("/")) {
            throw new IllegalArgumentException("path '" + template + "' names a directory, not a file");
        }
        if (java.util.Arrays.asList(template.split("/")).contains("..")) {
            throw new IllegalArgumentException("path '" + template + "' must not contain '..'");
        }
        return new PathTemplate(template);
    }

    /** The directory no resolved path can leave. */
    Path root() {
        return root;
    }

    Path resolve(LogRecord r) {
        if (constant) {
            return Path.of(template).toAbsolutePath().normalize();
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder(template.length() + 32);
        while (m.find()) {
            String v = switch (m.group(1)) {
                case "service" -> r.service();
                case "source" -> r.source();
                default -> r.stream();
            };
            m.appendReplacement(sb, Matcher.quoteReplacement(sanitise(v)));
        }
        m.appendTail(sb);
        Path p = Path.of(sb.toString()).toAbsolutePath().normalize();
        if (!p.startsWith(root)) {
            // Cannot happen with sanitised names; kept as the last line of defence.
            throw new IllegalStateException("resolved path " + p + " leaves " + root);
        }
        return p;
    }

    static String sanitise(String v) {
        StringBuilder sb = new StringBuilder(Math.min(v.length(), 100));
        for (int i = 0; i < v.length() && sb.length() < 100; i++) {
            char c = v.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '.' || c == '_' || c == '-' || c == '+' || c == '@';
            sb.append(ok ? c : '_');
        }
        if (sb.length() == 0) {
            return "_";
        }
        if (sb.charAt(0) == '.') {
            sb.setCharAt(0, '_');
        }
        return sb.toString();
    }
}
