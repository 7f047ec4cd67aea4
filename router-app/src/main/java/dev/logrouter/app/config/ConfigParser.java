package dev.logrouter.app.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;

/**
 * Parses YAML text into a {@link ConfigNode} tree that keeps positions, substituting
 * {@code ${NAME}} and {@code ${NAME:-default}} in scalars from the given variables.
 */
final class ConfigParser {

    private static final YAMLFactory YAML = YAMLFactory.builder().build();

    private final Function<String, String> variables;
    private final List<ConfigProblem> problems;

    ConfigParser(Function<String, String> variables, List<ConfigProblem> problems) {
        this.variables = variables;
        this.problems = problems;
    }

    /** @return the root node, or {@code null} when the YAML itself is broken (a problem is added) */
    ConfigNode parse(String text) {
        try (YAMLParser p = (YAMLParser) YAML.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return ConfigNode.map(new ConfigNode.Position(1, 1), new LinkedHashMap<>());
            }
            ConfigNode root = node(p, "");
            if (p.nextToken() != null) {
                problems.add(new ConfigProblem(pos(p.currentTokenLocation()), "", "more than one YAML document"));
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            String msg = e.getOriginalMessage();
            problems.add(new ConfigProblem(l == null ? new ConfigNode.Position(1, 1) : pos(l), "",
                    "YAML syntax: " + firstLine(msg) + hint(msg)));
            return null;
        } catch (IOException e) {
            problems.add(new ConfigProblem(new ConfigNode.Position(1, 1), "", "cannot read: " + e.getMessage()));
            return null;
        }
    }

    /**
     * What to do about the most common syntax error: a '{' or '}' in an unquoted value (a file
     * path template like {@code /var/log/{service}.log}) inside a {@code { ... }} mapping.
     */
    private static String hint(String msg) {
        if (msg != null && (msg.contains("flow mapping") || msg.contains("flow sequence"))) {
            return " (quote values containing '{', '}', '[', ']' or ',', e.g. path: \"/var/log/{service}.log\")";
        }
        return "";
    }

    private ConfigNode node(YAMLParser p, String path) throws IOException {
        ConfigNode.Position at = pos(p.currentTokenLocation());
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                LinkedHashMap<String, ConfigNode.Entry> entries = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    ConfigNode.Position keyAt = pos(p.currentTokenLocation());
                    p.nextToken();
                    String childPath = path.isEmpty() ? key : path + "." + key;
                    ConfigNode value = node(p, childPath);
                    if (entries.containsKey(key)) {
                        problems.add(new ConfigProblem(keyAt, childPath, "duplicate key '" + key + "'"));
                    }
                    entries.put(key, new ConfigNode.Entry(key, keyAt, value));
                }
                return ConfigNode.map(at, entries);
            }
            case START_ARRAY: {
                List<ConfigNode> items = new ArrayList<>();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(node(p, path + "[" + i++ + "]"));
                }
                return ConfigNode.list(at, items);
            }
            case VALUE_NULL:
                return ConfigNode.nil(at);
            default: {
                return ConfigNode.scalar(at, substitute(p.getText(), at, path));
            }
        }
    }

    /** Replaces {@code ${NAME}} and {@code ${NAME:-default}}; {@code $$} is a literal {@code $}. */
    String substitute(String s, ConfigNode.Position at, String path) {
        if (s == null || s.indexOf('$') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '$' && i + 1 < s.length() && s.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (c == '$' && i + 1 < s.length() && s.charAt(i + 1) == '{') {
                int end = s.indexOf('}', i + 2);
                if (end < 0) {
                    problems.add(new ConfigProblem(at, path, "unclosed '${' in '" + s + "'"));
                    return s;
                }
                String expr = s.substring(i + 2, end);
                int dflt = expr.indexOf(":-");
                String name = dflt >= 0 ? expr.substring(0, dflt) : expr;
                String value = variables.apply(name);
                if (value == null || (dflt >= 0 && value.isEmpty())) {
                    if (dflt >= 0) {
                        value = expr.substring(dflt + 2);
                    } else {
                        problems.add(new ConfigProblem(at, path, "environment variable '" + name
                                + "' is not set (write ${" + name + ":-default} to give a default)"));
                        value = "";
                    }
                }
                out.append(value);
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static ConfigNode.Position pos(JsonLocation l) {
        return new ConfigNode.Position(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    }

    private static String firstLine(String msg) {
        if (msg == null) {
            return "invalid YAML";
        }
        int nl = msg.indexOf('\n');
        return (nl < 0 ? msg : msg.substring(0, nl)).trim();
    }
}
