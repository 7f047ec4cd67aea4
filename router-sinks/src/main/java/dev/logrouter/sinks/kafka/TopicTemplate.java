package dev.logrouter.sinks.kafka;

import dev.logrouter.core.record.LogRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A topic name template with {@code {service}} and {@code {source}} placeholders. The expanded
 * name is made legal for Kafka: characters outside {@code [a-zA-Z0-9._-]} become {@code _}, it is
 * cut to 249 characters, and {@code .} or {@code ..} (which Kafka refuses) become {@code _}. Not
 * thread-safe (it caches expansions): each sink session uses its own.
 */
final class TopicTemplate {

    static final int MAX_TOPIC_LENGTH = 249;

    private final String template;
    private final List<String> parts = new ArrayList<>();
    private final boolean constant;
    private final Map<String, String> cache = new HashMap<>();

    /** @throws IllegalArgumentException on an unknown placeholder or an empty template */
    TopicTemplate(String template) {
        if (template == null || template.isBlank()) {
            throw new IllegalArgumentException("topic must not be empty");
        }
        this.template = template;
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            if (open < 0) {
                parts.add(template.substring(i));
                break;
            }
            int close = template.indexOf('}', open);
            if (close < 0) {
                throw new IllegalArgumentException("topic '" + template + "': unclosed '{'");
            }
            String name = template.substring(open + 1, close);
            if (!name.equals("service") && !name.equals("source")) {
                throw new IllegalArgumentException("topic '" + template + "': unknown placeholder {" + name
                        + "} (use {service} or {source})");
            }
            parts.add(template.substring(i, open));
            parts.add("{" + name + "}");
            i = close + 1;
        }
        constant = parts.stream().noneMatch(p -> p.equals("{service}") || p.equals("{source}"));
        if (constant && !sanitise(template).equals(template)) {
            throw new IllegalArgumentException("topic '" + template + "' is not a legal Kafka topic name"
                    + " (letters, digits, '.', '_', '-'; at most " + MAX_TOPIC_LENGTH + ")");
        }
    }

    String template() {
        return template;
    }

    /** The topic of {@code r}. */
    String topicOf(LogRecord r) {
        if (constant) {
            return template;
        }
        String key = r.service() + '\u0000' + r.source();
        String t = cache.get(key);
        if (t == null) {
            if (cache.size() > 10_000) {
                cache.clear(); // bounded: service names come from input
            }
            StringBuilder b = new StringBuilder();
            for (String p : parts) {
                b.append(p.equals("{service}") ? r.service() : p.equals("{source}") ? r.source() : p);
            }
            t = sanitise(b.toString());
            cache.put(key, t);
        }
        return t;
    }

    /** Kafka's topic rules: {@code [a-zA-Z0-9._-]{1,249}}, and not {@code .} or {@code ..}. */
    static String sanitise(String name) {
        StringBuilder b = new StringBuilder(Math.min(name.length(), MAX_TOPIC_LENGTH));
        for (int i = 0; i < name.length() && b.length() < MAX_TOPIC_LENGTH; i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            b.append(ok ? c : '_');
        }
        String s = b.toString();
        if (s.isEmpty() || s.equals(".") || s.equals("..")) {
            return "_".repeat(Math.max(1, s.length()));
        }
        return s;
    }
}
