package dev.logrouter.app.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML node with the line and column where it starts, so every config error can point at its
 * source. Built by {@link ConfigParser}; immutable.
 */
public final class ConfigNode {

    public enum Kind { MAP, LIST, SCALAR, NULL }

    /** 1-based position in the config file. */
    public record Position(int line, int column) {
        @Override
        public String toString() {
            return line + ":" + column;
        }
    }

    /** A map entry: the key's own position (for unknown-key errors) and the value. */
    public record Entry(String key, Position keyPosition, ConfigNode value) {
    }

    private final Kind kind;
    private final Position position;
    private final String text;
    private final Map<String, Entry> entries;
    private final List<ConfigNode> items;

    private ConfigNode(Kind kind, Position position, String text, Map<String, Entry> entries,
                       List<ConfigNode> items) {
        this.kind = kind;
        this.position = position;
        this.text = text;
        this.entries = entries;
        this.items = items;
    }

    static ConfigNode scalar(Position p, String text) {
        return new ConfigNode(Kind.SCALAR, p, text, Map.of(), List.of());
    }

    static ConfigNode nil(Position p) {
        return new ConfigNode(Kind.NULL, p, null, Map.of(), List.of());
    }

    static ConfigNode map(Position p, LinkedHashMap<String, Entry> entries) {
        return new ConfigNode(Kind.MAP, p, null, Collections.unmodifiableMap(entries), List.of());
    }

    static ConfigNode list(Position p, List<ConfigNode> items) {
        return new ConfigNode(Kind.LIST, p, null, Map.of(), List.copyOf(items));
    }

    public Kind kind() {
        return kind;
    }

    public Position position() {
        return position;
    }

    /** Scalar text, after {@code ${ENV}} substitution; {@code null} for other kinds. */
    public String text() {
        return text;
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    public List<ConfigNode> items() {
        return items;
    }

    /** The value under {@code key} of a map node, or {@code null}. */
    public ConfigNode get(String key) {
        Entry e = entries.get(key);
        return e == null ? null : e.value();
    }

    public String describe() {
        switch (kind) {
            case MAP: return "a map";
            case LIST: return "a list";
            case NULL: return "nothing";
            default: return "'" + text + "'";
        }
    }
}
