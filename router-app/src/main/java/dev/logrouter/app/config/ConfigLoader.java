package dev.logrouter.app.config;

import dev.logrouter.core.route.RouteSpec;
import dev.logrouter.core.route.RouteTable;
import dev.logrouter.core.transform.TransformSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a YAML config, validates all of it at once, and turns it into a {@link RouterConfig}.
 * {@code ${NAME}} and {@code ${NAME:-default}} substitute environment variables; the variable
 * {@code LOGROUTER_RUNTIME_DIR} is always defined (see {@link #runtimeDir}), and so is
 * {@code LOGROUTER_STATE_DIR} (see {@link #stateDir}).
 */
public final class ConfigLoader {

    /** The name the built-in default config is reported under. */
    public static final String BUILTIN = "<built-in default>";

    /** Classpath location of the built-in default, a copy of {@code config/logrouter.yaml}. */
    public static final String DEFAULT_RESOURCE = "/dev/logrouter/app/logrouter.yaml";

    public static final String RUNTIME_DIR_VARIABLE = "LOGROUTER_RUNTIME_DIR";

    public static final String STATE_DIR_VARIABLE = "LOGROUTER_STATE_DIR";

    /** Names of sources and sinks. */
    static final String NAME_PATTERN = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}";

    static final Set<String> TOP_KEYS = Set.of("journal", "sources", "sinks", "routes", "query", "metrics");

    private final Map<String, String> env;
    private final Path runtimeDir;

    public ConfigLoader(Map<String, String> env) {
        this.env = Map.copyOf(env);
        this.runtimeDir = runtimeDir(env);
    }

    public static ConfigLoader fromSystem() {
        return new ConfigLoader(System.getenv());
    }

    /**
     * The directory for sockets and state: {@code $LOGROUTER_RUNTIME_DIR} when set, else
     * {@code $XDG_RUNTIME_DIR/logrouter}, else {@code /tmp/logrouter-$UID}; writable by a non-root user.
     */
    public static Path runtimeDir(Map<String, String> env) {
        String explicit = env.get(RUNTIME_DIR_VARIABLE);
        if (explicit != null && !explicit.isEmpty()) {
            return Path.of(explicit);
        }
        String xdg = env.get("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isEmpty()) {
            return Path.of(xdg, "logrouter");
        }
        return Path.of("/tmp", "logrouter-" + new com.sun.security.auth.module.UnixSystem().getUid());
    }

    public Path runtimeDir() {
        return runtimeDir;
    }

    /**
     * The directory for state that must outlive a restart (the kmsg position):
     * {@code $LOGROUTER_STATE_DIR} when set, else the first directory of systemd's
     * {@code $STATE_DIRECTORY} (set by {@code StateDirectory=}; kept across restarts, unlike
     * {@code RuntimeDirectory=}), else the runtime directory.
     */
    public static Path stateDir(Map<String, String> env) {
        String explicit = env.get(STATE_DIR_VARIABLE);
        if (explicit != null && !explicit.isEmpty()) {
            return Path.of(explicit);
        }
        String systemd = env.get("STATE_DIRECTORY");
        if (systemd != null && !systemd.isEmpty()) {
            return Path.of(systemd.split(":")[0]);
        }
        return runtimeDir(env);
    }

    /**
     * A duration as the config writes it ({@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h}), for
     * command-line options too.
     *
     * @throws IllegalArgumentException with a message for the user
     */
    public static java.time.Duration parseDuration(String text) {
        return ConfigBinder.parseDuration(text);
    }

    /** The text of the built-in default config. */
    public static String defaultConfigText() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("built-in default config " + DEFAULT_RESOURCE + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RouterConfig loadDefault() throws ConfigException {
        return parse(defaultConfigText(), BUILTIN);
    }

    /** Loads {@code file}, or the built-in default when {@code file} is null. */
    public RouterConfig load(Path file) throws ConfigException, IOException {
        if (file == null) {
            return loadDefault();
        }
        return parse(decodeUtf8(Files.readAllBytes(file), file.toString()), file.toString());
    }

    /**
     * Decodes the file strictly: a byte that is not UTF-8 is a problem at its own line and column
     * (columns count characters, as the parser's do), not at 1:1.
     */
    static String decodeUtf8(byte[] bytes, String fileName) throws ConfigException {
        java.nio.charset.CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
        java.nio.charset.CoderResult r = dec.decode(in, out, true);
        if (!r.isError()) {
            r = dec.flush(out);
        }
        if (r.isError()) {
            int bad = in.position();
            String before = new String(bytes, 0, bad, StandardCharsets.UTF_8);
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < before.length(); i++) {
                if (before.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            int col = before.codePointCount(lineStart, before.length()) + 1;
            throw new ConfigException(fileName, List.of(new ConfigProblem(new ConfigNode.Position(line, col), "",
                    String.format("not valid UTF-8: byte 0x%02x (save the file as UTF-8)", bytes[bad] & 0xff))));
        }
        out.flip();
        return out.toString();
    }

    public RouterConfig parse(String text, String fileName) throws ConfigException {
        List<ConfigProblem> problems = new ArrayList<>();
        ConfigParser parser = new ConfigParser(this::variable, problems);
        ConfigNode root = parser.parse(text);
        if (root == null) {
            throw new ConfigException(fileName, problems);
        }
        RouterConfig config = bind(root, fileName, problems);
        if (!problems.isEmpty()) {
            problems.sort((a, b) -> a.position().line() != b.position().line()
                    ? Integer.compare(a.position().line(), b.position().line())
                    : Integer.compare(a.position().column(), b.position().column()));
            throw new ConfigException(fileName, problems);
        }
        return config;
    }

    private String variable(String name) {
        String v = env.get(name);
        if (v == null && RUNTIME_DIR_VARIABLE.equals(name)) {
            return runtimeDir.toString();
        }
        if (v == null && STATE_DIR_VARIABLE.equals(name)) {
            return stateDir(env).toString();
        }
        return v;
    }

    private RouterConfig bind(ConfigNode root, String fileName, List<ConfigProblem> problems) {
        ConfigBinder b = new ConfigBinder(problems);
        if (root.kind() == ConfigNode.Kind.NULL) {
            root = ConfigNode.map(root.position(), new LinkedHashMap<>());
        }
        if (root.kind() != ConfigNode.Kind.MAP) {
            b.problem(root.position(), "", "the config must be a map with keys " + String.join(", ", TOP_KEYS));
            return null;
        }
        for (ConfigNode.Entry e : root.entries().values()) {
            if (!TOP_KEYS.contains(e.key())) {
                b.problem(e.keyPosition(), e.key(), "unknown key '" + e.key()
                        + "' (allowed: journal, sources, sinks, routes, query, metrics)");
            }
        }
        ConfigNode journalNode = root.get("journal");
        // a block left out binds as an empty one, so its keys take their @Default values
        JournalConfig journal = b.bindRecord(orEmpty(journalNode, root), JournalConfig.class, "journal", List.of());

        List<SourceDef> sources = new ArrayList<>();
        forEachNamed(root.get("sources"), "sources", b, (name, node, path) -> {
            SourceType<?> type = typeOf(node, path, b, ComponentTypes.SOURCES_BY_TYPE, "source");
            if (type != null) {
                Record cfg = b.bindRecord(node, type.configClass(), path, List.of("type"));
                if (cfg != null) {
                    sources.add(new SourceDef(name, type, cfg));
                }
            }
        });

        List<SinkDef> sinks = new ArrayList<>();
        List<String> sinkNames = new ArrayList<>();
        forEachNamed(root.get("sinks"), "sinks", b, (name, node, path) -> {
            sinkNames.add(name);
            SinkType<?> type = typeOf(node, path, b, ComponentTypes.SINKS_BY_TYPE, "sink");
            if (type != null) {
                Record cfg = b.bindRecord(node, type.configClass(), path, List.of("type", "buffer", "transforms"));
                ConfigNode bufferNode = node.get("buffer");
                BufferConfig buffer = b.bindRecord(orEmpty(bufferNode, node), BufferConfig.class, path + ".buffer",
                        List.of());
                List<TransformSpec> transforms = bindTransforms(node.get("transforms"), path + ".transforms", b);
                if (cfg != null && transforms != null && buffer != null) {
                    sinks.add(new SinkDef(name, type, cfg, buffer.toSpec(), transforms));
                }
            }
        });
        if (sinkNames.size() > RouteTable.MAX_SINKS) {
            b.problem(root.get("sinks").position(), "sinks", "at most " + RouteTable.MAX_SINKS + " sinks are supported");
        }

        List<String> sourceNames = new ArrayList<>();
        ConfigNode sourcesNode = root.get("sources");
        if (sourcesNode != null && sourcesNode.kind() == ConfigNode.Kind.MAP) {
            sourceNames.addAll(sourcesNode.entries().keySet());
        }
        List<RouteSpec> routes = new ArrayList<>();
        ConfigNode routesNode = root.get("routes");
        if (routesNode != null && routesNode.kind() != ConfigNode.Kind.NULL) {
            if (routesNode.kind() != ConfigNode.Kind.LIST) {
                b.problem(routesNode.position(), "routes", "expected a list of routes, found " + routesNode.describe());
            } else {
                for (int i = 0; i < routesNode.items().size(); i++) {
                    ConfigNode r = routesNode.items().get(i);
                    String path = "routes[" + i + "]";
                    checkNames(r.get("from"), sourceNames, path + ".from", "source", b);
                    checkNames(r.get("to"), sinkNames, path + ".to", "sink", b);
                    RouteConfig rc = b.bindRecord(r, RouteConfig.class, path, List.of());
                    if (rc != null) {
                        routes.add(rc.toSpec(i));
                    }
                }
            }
        }

        ConfigNode queryNode = root.get("query");
        QueryConfig query = b.bindRecord(orEmpty(queryNode, root), QueryConfig.class, "query", List.of());
        if (query != null && query.socket() == null) {
            query = new QueryConfig(runtimeDir.resolve("query.sock"), query.mode(), query.allowUids(), query.allowGids());
        }
        ConfigNode metricsNode = root.get("metrics");
        MetricsConfig metrics = metricsNode == null ? null : b.bindRecord(metricsNode, MetricsConfig.class, "metrics", List.of());
        if (query != null) { // else its problems are reported
            checkSocketPaths(root, sources, query, b);
        }

        if (!problems.isEmpty()) {
            return null;
        }
        return new RouterConfig(fileName, runtimeDir, journal.toSpec(), sources, sinks, routes, query, metrics);
    }

    /** {@code node}, or an empty map at {@code parent}'s position when the block is left out. */
    private static ConfigNode orEmpty(ConfigNode node, ConfigNode parent) {
        return node != null ? node : ConfigNode.map(parent.position(), new LinkedHashMap<>());
    }

    /** Two sources, or a source and the query socket, cannot bind the same socket path. */
    private static void checkSocketPaths(ConfigNode root, List<SourceDef> sources, QueryConfig query, ConfigBinder b) {
        Map<Path, String> owners = new LinkedHashMap<>();
        for (SourceDef s : sources) {
            Path p = s.config() instanceof FdSocketSourceType.Config f ? f.path()
                    : s.config() instanceof SyslogSourceType.Config y ? y.path() : null;
            if (p == null) {
                continue;
            }
            String path = "sources." + s.name() + ".path";
            String prev = owners.putIfAbsent(p.toAbsolutePath().normalize(), path);
            if (prev != null) {
                ConfigNode at = root.get("sources").get(s.name()).get("path");
                b.problem(at.position(), path, "socket path " + p + " is already used by " + prev);
            }
        }
        String prev = owners.get(query.socket().toAbsolutePath().normalize());
        if (prev != null) {
            ConfigNode q = root.get("query");
            ConfigNode at = q == null || q.get("socket") == null ? root : q.get("socket");
            b.problem(at.position(), "query.socket", "socket path " + query.socket() + " is already used by " + prev);
        }
    }

    private interface NamedNode {
        void accept(String name, ConfigNode node, String path);
    }

    private static void forEachNamed(ConfigNode node, String path, ConfigBinder b, NamedNode action) {
        if (node == null || node.kind() == ConfigNode.Kind.NULL) {
            return;
        }
        if (node.kind() != ConfigNode.Kind.MAP) {
            b.problem(node.position(), path, "expected a map of name: {type: ..., ...}, found " + node.describe());
            return;
        }
        for (ConfigNode.Entry e : node.entries().values()) {
            String p = path + "." + e.key();
            if (!e.key().matches(NAME_PATTERN)) {
                b.problem(e.keyPosition(), p, "invalid name '" + e.key()
                        + "' (letters, digits, '_', '.', '-'; at most 64 characters)");
                continue;
            }
            action.accept(e.key(), e.value(), p);
        }
    }

    private static <T> T typeOf(ConfigNode node, String path, ConfigBinder b, Map<String, T> types, String what) {
        if (node.kind() != ConfigNode.Kind.MAP) {
            b.problem(node.position(), path, "expected a map with a 'type' key, found " + node.describe());
            return null;
        }
        ConfigNode type = node.get("type");
        if (type == null || type.kind() != ConfigNode.Kind.SCALAR) {
            b.problem(node.position(), path, "missing required key 'type' (one of " + String.join(", ",
                    new java.util.TreeSet<>(types.keySet())) + ")");
            return null;
        }
        T t = types.get(type.text());
        if (t == null) {
            b.problem(type.position(), path + ".type", "unknown " + what + " type '" + type.text() + "' (one of "
                    + String.join(", ", new java.util.TreeSet<>(types.keySet())) + ")");
        }
        return t;
    }

    private static void checkNames(ConfigNode node, List<String> known, String path, String what, ConfigBinder b) {
        if (node == null) {
            return;
        }
        List<ConfigNode> items = node.kind() == ConfigNode.Kind.LIST ? node.items()
                : node.kind() == ConfigNode.Kind.SCALAR ? List.of(node) : List.of();
        for (ConfigNode item : items) {
            if (item.kind() == ConfigNode.Kind.SCALAR && !known.contains(item.text())) {
                b.problem(item.position(), path, "unknown " + what + " '" + item.text() + "'"
                        + (known.isEmpty() ? " (no " + what + "s are defined)" : " (defined: " + String.join(", ", known) + ")"));
            }
        }
    }

    /** A sink's {@code transforms:} list; null when an item has a problem (added to {@code b}). */
    private static List<TransformSpec> bindTransforms(ConfigNode node, String path, ConfigBinder b) {
        if (node == null || node.kind() == ConfigNode.Kind.NULL) {
            return List.of();
        }
        if (node.kind() != ConfigNode.Kind.LIST) {
            b.problem(node.position(), path, "expected a list of transforms, found " + node.describe());
            return null;
        }
        List<TransformConfig> items = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < node.items().size(); i++) {
            TransformConfig t = b.bindRecord(node.items().get(i), TransformConfig.class, path + "[" + i + "]", List.of());
            ok &= t != null;
            items.add(t);
        }
        return ok ? TransformConfig.specs(items) : null;
    }
}
