package dev.logrouter.app.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Binds {@link ConfigNode}s into immutable config records, collecting every problem with its
 * position instead of stopping at the first. See {@link SourceType} for the rules.
 */
final class ConfigBinder {

    private final List<ConfigProblem> problems;

    public ConfigBinder(List<ConfigProblem> problems) {
        this.problems = problems;
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    public void problem(ConfigNode.Position at, String path, String message) {
        problems.add(new ConfigProblem(at, path, message));
    }

    /**
     * Binds a map node into a record. Keys in {@code ignoredKeys} are allowed and left to the caller.
     *
     * @return the record, or {@code null} when a problem prevented building it (problems were added)
     */
    public <R extends Record> R bindRecord(ConfigNode node, Class<R> type, String path, List<String> ignoredKeys) {
        return bindRecord(node, type, path, ignoredKeys, null, true);
    }

    /**
     * Binds a record narrowed by {@code shape} (a {@link Block} use; null: the record as declared). An
     * inline block reads the enclosing map, whose binding already reported its unknown keys
     * ({@code checkUnknown} false).
     */
    private <R extends Record> R bindRecord(ConfigNode node, Class<R> type, String path, List<String> ignoredKeys,
                                            Block shape, boolean checkUnknown) {
        Object bound = bindOrRefusal(node, type, path, ignoredKeys, shape, checkUnknown);
        if (bound instanceof Refusal r) {
            report(r.cause(), r.node(), path);
            return null;
        }
        return type.cast(bound);
    }

    /** A record constructor's refusal, reported by the caller (see {@link #bindOrRefusal}). */
    private record Refusal(Throwable cause, ConfigNode node) {
    }

    /**
     * The record, null after binding problems (added), or the {@link Refusal} of its constructor. The
     * refusal of an inline block is reported only when the enclosing record's own constructor accepts
     * its values: that record's rules come first, as when they were one constructor.
     */
    private Object bindOrRefusal(ConfigNode node, Class<? extends Record> type, String path, List<String> ignoredKeys,
                                 Block shape, boolean checkUnknown) {
        if (node.kind() == ConfigNode.Kind.NULL) {
            node = ConfigNode.map(node.position(), new LinkedHashMap<>());
        }
        if (node.kind() != ConfigNode.Kind.MAP) {
            problem(node.position(), path, "expected a map of settings, found " + node.describe());
            return null;
        }
        RecordComponent[] components = type.getRecordComponents();
        List<String> keys = keysOf(type, shape);
        int before = problems.size();
        for (ConfigNode.Entry e : checkUnknown ? node.entries().values() : List.<ConfigNode.Entry>of()) {
            if (!keys.contains(e.key()) && !ignoredKeys.contains(e.key())) {
                Set<String> allowed = new LinkedHashSet<>(ignoredKeys);
                allowed.addAll(keys);
                String near = nearest(e.key(), allowed);
                problem(e.keyPosition(), join(path, e.key()), "unknown key '" + e.key() + "'"
                        + (near == null ? "" : "; did you mean '" + near + "'?")
                        + (allowed.isEmpty() ? " (no keys allowed here)" : " (allowed: " + String.join(", ", allowed) + ")"));
            }
        }
        Object[] args = new Object[components.length];
        Refusal inlineRefusal = null;
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            String key = snake(c.getName());
            Block block = c.getAnnotation(Block.class);
            if (block != null && block.inline()) {
                Object inline = bindOrRefusal(node, c.getType().asSubclass(Record.class), path, List.of(), block, false);
                if (inline instanceof Refusal r) {
                    inlineRefusal = inlineRefusal == null ? r : inlineRefusal;
                } else {
                    args[i] = inline;
                }
                continue;
            }
            ConfigNode value = accepts(shape, key) ? node.get(key) : null;
            if (value == null || value.kind() == ConfigNode.Kind.NULL) {
                if (c.isAnnotationPresent(Required.class)) {
                    problem(node.position(), path, "missing required key '" + key + "'");
                }
                String declared = defaultOf(c, shape);
                args[i] = declared == null ? defaultValue(c.getType()) : declaredDefault(declared, c);
            } else if (block != null) {
                args[i] = bindRecord(value, c.getType().asSubclass(Record.class), join(path, key), List.of(), block, true);
            } else {
                args[i] = bind(value, c.getGenericType(), join(path, key));
            }
        }
        if (problems.size() > before) {
            return null;
        }
        try {
            Constructor<? extends Record> ctor = type.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
            ctor.setAccessible(true);
            Record built = ctor.newInstance(args);
            return inlineRefusal == null ? built : inlineRefusal;
        } catch (InvocationTargetException e) {
            return new Refusal(e.getCause(), node);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("config record " + type.getName() + " cannot be built", e);
        }
    }

    /** A constructor's refusal: at the value it names ({@link InvalidValueException}), else at the block. */
    private void report(Throwable cause, ConfigNode node, String path) {
        if (cause instanceof InvalidValueException v && node.get(v.key()) != null) {
            problem(node.get(v.key()).position(), join(path, v.key()), v.getMessage());
            return;
        }
        problem(node.position(), path, cause.getMessage() == null ? cause.toString() : cause.getMessage());
    }

    /**
     * The YAML keys a record takes, in record order, narrowed by {@code shape} (null: all), with the
     * keys of its inline blocks in their place.
     */
    static List<String> keysOf(Class<? extends Record> type, Block shape) {
        List<String> out = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            Block block = c.getAnnotation(Block.class);
            if (block != null && block.inline()) {
                out.addAll(keysOf(c.getType().asSubclass(Record.class), block));
            } else if (accepts(shape, snake(c.getName()))) {
                out.add(snake(c.getName()));
            }
        }
        return out;
    }

    /** Whether a block used as {@code shape} (null: as declared) takes {@code key}. */
    static boolean accepts(Block shape, String key) {
        return shape == null || shape.keys().length == 0 || Arrays.asList(shape.keys()).contains(key);
    }

    /** The declared default of a component as YAML text: the block use's, else the record's; or null. */
    static String defaultOf(RecordComponent c, Block shape) {
        String key = snake(c.getName());
        if (shape != null) {
            for (String d : shape.defaults()) {
                int eq = d.indexOf('=');
                if (eq < 0) {
                    throw new IllegalStateException("a @Block default is key=value, was '" + d + "'");
                }
                if (d.substring(0, eq).equals(key)) {
                    return d.substring(eq + 1);
                }
            }
        }
        Default d = c.getAnnotation(Default.class);
        return d == null ? null : d.value();
    }

    /** A declared default bound as if the YAML had it; a default that does not bind is a bug in the record. */
    static Object declaredDefault(String text, RecordComponent c) {
        try {
            if (c.getType() == List.class) {
                return flowList(text, rawClass(((ParameterizedType) c.getGenericType()).getActualTypeArguments()[0]));
            }
            return scalar(text, c.getType());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the default '" + text + "' of " + c.getDeclaringRecord().getSimpleName()
                    + "." + c.getName() + " does not bind: " + e.getMessage(), e);
        }
    }

    /** Binds any supported type; returns {@code null} and adds a problem on mismatch. */
    public Object bind(ConfigNode node, Type type, String path) {
        Class<?> raw = rawClass(type);
        if (Record.class.isAssignableFrom(raw) && raw != ByteSize.class) {
            return bindRecord(node, raw.asSubclass(Record.class), path, List.of());
        }
        if (raw == List.class) {
            Type item = ((ParameterizedType) type).getActualTypeArguments()[0];
            List<ConfigNode> items = node.kind() == ConfigNode.Kind.LIST ? node.items()
                    : node.kind() == ConfigNode.Kind.SCALAR ? List.of(node) : null;
            if (items == null) {
                problem(node.position(), path, "expected a list, found " + node.describe());
                return null;
            }
            List<Object> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                out.add(bind(items.get(i), item, path + "[" + i + "]"));
            }
            return Collections.unmodifiableList(out);
        }
        if (raw == Map.class) {
            Type value = ((ParameterizedType) type).getActualTypeArguments()[1];
            if (node.kind() != ConfigNode.Kind.MAP) {
                problem(node.position(), path, "expected a map, found " + node.describe());
                return null;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (ConfigNode.Entry e : node.entries().values()) {
                out.put(e.key(), bind(e.value(), value, join(path, e.key())));
            }
            return Collections.unmodifiableMap(out);
        }
        if (raw == ConfigNode.class) {
            return node;
        }
        if (node.kind() != ConfigNode.Kind.SCALAR) {
            problem(node.position(), path, "expected " + expected(raw) + ", found " + node.describe());
            return null;
        }
        String text = node.text();
        try {
            return scalar(text, raw);
        } catch (IllegalArgumentException e) {
            problem(node.position(), path, e.getMessage());
            return null;
        }
    }

    /** A list default, written as YAML's flow list: {@code [.out, .stdout]}; items are plain scalars. */
    private static List<Object> flowList(String text, Class<?> item) {
        String t = text.trim();
        if (!t.startsWith("[") || !t.endsWith("]")) {
            throw new IllegalArgumentException("a list default is written [a, b], was '" + text + "'");
        }
        String inner = t.substring(1, t.length() - 1).trim();
        List<Object> out = new ArrayList<>();
        for (String part : inner.isEmpty() ? new String[0] : inner.split(",")) {
            out.add(scalar(part.trim(), item));
        }
        return Collections.unmodifiableList(out);
    }

    static Object scalar(String text, Class<?> raw) {
        if (raw == String.class || raw == Object.class) {
            return text;
        }
        if (raw == int.class || raw == Integer.class) {
            return (int) parseLong(text, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        if (raw == long.class || raw == Long.class) {
            return parseLong(text, Long.MIN_VALUE, Long.MAX_VALUE);
        }
        if (raw == double.class || raw == Double.class) {
            try {
                return Double.parseDouble(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a number, found '" + text + "'");
            }
        }
        if (raw == boolean.class || raw == Boolean.class) {
            switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "true": case "yes": case "on": return true;
                case "false": case "no": case "off": return false;
                default: throw new IllegalArgumentException("expected true or false, found '" + text + "'");
            }
        }
        if (raw == ByteSize.class) {
            return ByteSize.parse(text);
        }
        if (raw == Duration.class) {
            return parseDuration(text);
        }
        if (raw == Path.class) {
            if (text.isEmpty()) {
                throw new IllegalArgumentException("expected a path, found an empty string");
            }
            try {
                return Path.of(text);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("invalid path '" + text + "': " + e.getReason());
            }
        }
        if (raw == dev.logrouter.core.record.Level.class) {
            dev.logrouter.core.record.Level l = dev.logrouter.core.record.Level.parse(text);
            if (l == null) {
                throw new IllegalArgumentException("unknown level '" + text
                        + "' (use emerg, alert, crit, err, warning, notice, info or debug)");
            }
            return l;
        }
        if (raw.isEnum()) {
            String name = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (Object c : raw.getEnumConstants()) {
                if (((Enum<?>) c).name().equals(name)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("unknown value '" + text + "' (use " + Arrays.stream(raw.getEnumConstants())
                    .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", ")) + ")");
        }
        throw new IllegalStateException("config type " + raw.getName() + " is not supported by the binder");
    }

    private static long parseLong(String text, long min, long max) {
        try {
            long v = Long.parseLong(text.trim().replace("_", ""));
            if (v < min || v > max) {
                throw new IllegalArgumentException("number out of range: " + text);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a whole number, found '" + text + "'");
        }
    }

    /** {@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 2d}, or a number of seconds. */
    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("expected a duration such as 500ms, 10s, 5m or 1h, found '" + text + "'");
        }
        double n;
        try {
            n = Double.parseDouble(t.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a duration, found '" + text + "'");
        }
        String unit = t.substring(i).trim();
        double millis;
        switch (unit) {
            case "ms": millis = n; break;
            case "": case "s": millis = n * 1000; break;
            case "m": millis = n * 60_000; break;
            case "h": millis = n * 3_600_000; break;
            case "d": millis = n * 86_400_000; break;
            default:
                throw new IllegalArgumentException("unknown duration unit '" + unit + "' in '" + text
                        + "' (use ms, s, m, h or d)");
        }
        return Duration.ofNanos((long) (millis * 1_000_000));
    }

    private static Object defaultValue(Class<?> type) {
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == double.class) {
            return 0d;
        }
        if (type == boolean.class) {
            return false;
        }
        return null;
    }

    private static String expected(Class<?> raw) {
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            return "a whole number";
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return "true or false";
        }
        if (raw == ByteSize.class) {
            return "a size such as 64KiB";
        }
        if (raw == Duration.class) {
            return "a duration such as 10s";
        }
        return "a single value";
    }

    private static Class<?> rawClass(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        if (t instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalStateException("unsupported config type " + t);
    }

    /** The allowed key a typo most likely meant: at most 2 edits away and less than half the key; or null. */
    static String nearest(String key, Iterable<String> allowed) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String a : allowed) {
            int d = editDistance(key, a);
            if (d < bestDistance) {
                bestDistance = d;
                best = a;
            }
        }
        return bestDistance <= 2 && bestDistance * 2 < key.length() ? best : null;
    }

    /** Levenshtein distance (insert, delete, substitute), two rows. */
    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** {@code maxLineBytes} -> {@code max_line_bytes}. */
    static String snake(String camel) {
        StringBuilder sb = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                sb.append('_').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    static String join(String path, String key) {
        return path == null || path.isEmpty() ? key : path + "." + key;
    }
}
