package dev.logrouter.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logrouter.app.config.ComponentTypes;
import dev.logrouter.app.config.ConfigLoader;
import dev.logrouter.app.config.RouterConfig;
import dev.logrouter.app.config.SinkType;
import dev.logrouter.app.config.SourceType;
import dev.logrouter.app.daemon.Daemon;
import dev.logrouter.app.status.StatusReport;
import dev.logrouter.core.router.Router;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One metrics shape: a router running one component of every source and sink type reports the
 * standard set for each of them, and {@code docs/metrics.md} lists every metric it exports.
 */
class MetricsComplianceTest {

    /** The series every source reports, whatever its type. */
    static final Set<String> SOURCE_SET = Set.of("logrouter_source_records_total", "logrouter_source_bytes_total",
            "logrouter_source_errors_total", "logrouter_source_dropped_total", "logrouter_source_restarts_total",
            "logrouter_source_last_exit_code", "logrouter_source_up", "logrouter_source_state");
    /** The series every sink reports, whatever its type. */
    static final Set<String> SINK_SET = Set.of("logrouter_sink_offered_total", "logrouter_sink_delivered_total",
            "logrouter_sink_written_total", "logrouter_sink_written_bytes_total", "logrouter_sink_dropped_total",
            "logrouter_sink_resent_total", "logrouter_sink_reconnects_total", "logrouter_sink_buffer_depth",
            "logrouter_sink_buffer_bytes", "logrouter_sink_buffer_capacity_records",
            "logrouter_sink_buffer_capacity_bytes", "logrouter_sink_up", "logrouter_sink_connection",
            "logrouter_sink_transform_dropped_total", "logrouter_sink_skipped_total");

    private static final Pattern SERIES = Pattern.compile("(?m)^([a-z_]+)\\{([^}]*)}");

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A config with one component of every type, all on temporary paths and loopback ports. */
    static String everyType(Path dir) throws IOException {
        Path ring = Files.writeString(dir.resolve("kmsg-fixture"), "");
        return """
                sources:
                  c-exec: { type: exec, command: [sh, -c, "echo hi"] }
                  c-kmsg: { type: kmsg, path: %s }
                  c-fd-socket: { type: fd_socket, path: %s }
                  c-syslog: { type: syslog, path: %s }
                  c-tcp: { type: tcp, listen: "127.0.0.1:%d" }
                  c-udp: { type: udp, listen: "127.0.0.1:%d" }
                sinks:
                  k-console: { type: console }
                  k-tcp: { type: tcp, endpoint: "tcp://127.0.0.1:%d/" }
                  k-udp: { type: udp, endpoint: "udp://127.0.0.1:%d/" }
                  k-file: { type: file, path: %s }
                  k-kafka: { type: kafka, bootstrap_servers: "127.0.0.1:%d" }
                  k-blackhole: { type: blackhole }
                routes:
                  - { service: nothing-matches, to: [k-console, k-tcp, k-udp, k-file, k-kafka, k-blackhole],
                      transforms: [ { add_fields: { env: test } } ] }
                """.formatted(ring, dir.resolve("log.sock"), dir.resolve("syslog.sock"), freePort(), freePort(),
                freePort(), freePort(), dir.resolve("out.log"), freePort());
    }

    @Test
    void everySourceAndSinkTypeReportsTheStandardSetAndTheDocsListEveryMetric(@TempDir Path dir) throws Exception {
        RouterConfig config = new ConfigLoader(Map.of(ConfigLoader.RUNTIME_DIR_VARIABLE, dir.toString()))
                .parse(everyType(dir), "every-type.yaml");
        // the config above covers every registered type
        assertThat(config.sources().stream().map(s -> s.type().type()).collect(Collectors.toSet()))
                .isEqualTo(ComponentTypes.SOURCES.stream().map(SourceType::type).collect(Collectors.toSet()));
        assertThat(config.sinks().stream().map(s -> s.type().type()).collect(Collectors.toSet()))
                .isEqualTo(ComponentTypes.SINKS.stream().map(SinkType::type).collect(Collectors.toSet()));
        Daemon d = Daemon.start(config);
        try (MetricsServer m = MetricsServer.start("127.0.0.1:0",
                () -> StatusReport.of(d.router(), System.currentTimeMillis(), null, null))) {
            // every built-in sink lets its buffer bound and count what it holds
            for (Router.SinkBinding b : d.router().sinks()) {
                assertThat(b.sink().counters().tracksSettlement()).as(b.sink().type()).isTrue();
            }
            String text = m.scrape();
            Map<String, Set<String>> byComponent = new java.util.HashMap<>();
            Set<String> exported = new TreeSet<>();
            Matcher mt = SERIES.matcher(text);
            while (mt.find()) {
                exported.add(mt.group(1));
                Matcher label = Pattern.compile("(source|sink)=\"([^\"]+)\"").matcher(mt.group(2));
                if (label.find()) {
                    byComponent.computeIfAbsent(label.group(2), k -> new TreeSet<>()).add(mt.group(1));
                }
            }
            for (String name : new String[] {"c-exec", "c-kmsg", "c-fd-socket", "c-syslog", "c-tcp", "c-udp"}) {
                assertThat(byComponent.get(name)).as(name).containsAll(SOURCE_SET);
            }
            for (String name : new String[] {"k-console", "k-tcp", "k-udp", "k-file", "k-kafka", "k-blackhole"}) {
                assertThat(byComponent.get(name)).as(name).containsAll(SINK_SET);
            }
            for (Matcher g = Pattern.compile("(?m)^([a-z_]+) ").matcher(text); g.find(); ) {
                exported.add(g.group(1));
            }
            assertThat(exported).contains("logrouter_sink_connection", "logrouter_source_events_total",
                    "logrouter_route_dropped_total", "logrouter_route_skipped_total",
                    "logrouter_sink_transform_dropped_total", "logrouter_sink_skipped_total",
                    "logrouter_journal_records", "process_start_time_seconds", "jvm_memory_used_bytes");
            String doc = Files.readString(docs().resolve("metrics.md"));
            Set<String> undocumented = new TreeSet<>();
            for (String name : exported) {
                if (name.startsWith("logrouter_") || name.startsWith("process_")) {
                    if (!doc.contains("`" + name + "`")) {
                        undocumented.add(name);
                    }
                }
            }
            assertThat(undocumented).as("metrics missing from docs/metrics.md").isEmpty();
        } finally {
            d.stop(Duration.ofSeconds(2));
        }
    }

    /** The fields {@code status --json} gives every source, whatever its type. */
    static final List<String> SOURCE_FIELDS = List.of("name", "type", "state", "records", "bytes", "errors",
            "dropped", "lastError", "counters", "restarts", "lastExitCode", "levels");
    /** The fields {@code status --json} gives every sink, whatever its type. */
    static final List<String> SINK_FIELDS = List.of("name", "type", "connection", "offered", "delivered", "written",
            "dropped", "depth", "reconnects", "lastError", "resent", "writtenBytes", "droppedFull", "droppedShutdown",
            "droppedTransport", "bufferBytes", "maxEvents", "maxBytes", "counters", "droppedEncode",
            "droppedRateLimit", "skippedBlank", "levels");

    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-z_]+)\\{([^}]*)} (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-z_]+)=\"([^\"]*)\"");

    /**
     * {@code status --json} (over the real query socket) and {@code /metrics} render the same set for
     * every component type: each source and sink has every standard field, each figure of status is
     * the value of its metric, its own counters are exactly its {@code events}/{@code gauge} series, and
     * {@code docs/metrics.md} names every own counter.
     */
    @Test
    void statusJsonAndMetricsRenderTheSameSetForEveryType(@TempDir Path dir) throws Exception {
        // one route with traffic: a line into the tcp source ends in the file sink
        String yaml = everyType(dir) + "  - { from: [c-tcp], to: [k-file] }\n";
        RouterConfig config = new ConfigLoader(Map.of(ConfigLoader.RUNTIME_DIR_VARIABLE, dir.toString()))
                .parse(yaml, "every-type.yaml");
        Daemon d = Daemon.start(config);
        try (MetricsServer m = MetricsServer.start("127.0.0.1:0",
                () -> StatusReport.of(d.router(), System.currentTimeMillis(), null, null))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> tcpAddress(d) != null);
            try (java.net.Socket s = new java.net.Socket(tcpAddress(d).getAddress(), tcpAddress(d).getPort())) {
                s.getOutputStream().write("one line\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            ObjectMapper json = new ObjectMapper();
            Path socket = config.query().socket();
            await().atMost(Duration.ofSeconds(20)).until(() -> sink(json.readTree(statusJson(socket)), "k-file")
                    .get("written").asLong() == 1);
            // figures move (an exec restarting, connections retried): compare a scrape taken between two equal reports
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                JsonNode before = components(json.readTree(statusJson(socket)));
                Map<String, Double> metrics = samples(m.scrape());
                JsonNode after = components(json.readTree(statusJson(socket)));
                assertThat(after.equals(before)).as("sources and sinks did not move during the scrape").isTrue();
                checkSources(after, metrics);
                checkSinks(after, metrics);
            });
            JsonNode status = json.readTree(statusJson(socket));
            assertThat(source(status, "c-tcp").get("records").asLong()).isEqualTo(1);
            assertThat(sink(status, "k-file").get("writtenBytes").asLong()).isPositive();
            String doc = Files.readString(docs().resolve("metrics.md"));
            Set<String> undocumented = new TreeSet<>();
            for (String kind : new String[] {"sources", "sinks"}) {
                for (JsonNode c : status.get(kind)) {
                    c.get("counters").fieldNames().forEachRemaining(k -> {
                        if (!doc.contains("`" + k + "`")) {
                            undocumented.add(c.get("type").asText() + " " + k);
                        }
                    });
                }
            }
            assertThat(undocumented).as("own counters missing from docs/metrics.md").isEmpty();
        } finally {
            d.stop(Duration.ofSeconds(2));
        }
    }

    private static java.net.InetSocketAddress tcpAddress(Daemon d) {
        for (Router.SourceBinding b : d.router().sources()) {
            if (b.source() instanceof dev.logrouter.core.net.NetSource n && b.source().name().equals("c-tcp")) {
                return n.address();
            }
        }
        return null;
    }

    private static String statusJson(Path socket) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = dev.logrouter.app.cli.LogrouterCommand.commandLine();
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        int code = cl.execute("status", "--socket", socket.toString(), "--json");
        assertThat(code).as("status --json: " + err).isZero();
        return out.toString().trim();
    }

    /** The sources and sinks of a report (the query socket counts each status request). */
    private static JsonNode components(JsonNode n) {
        com.fasterxml.jackson.databind.node.ObjectNode o = com.fasterxml.jackson.databind.node.JsonNodeFactory
                .instance.objectNode();
        o.set("sources", n.get("sources"));
        o.set("sinks", n.get("sinks"));
        return o;
    }

    private static JsonNode source(JsonNode status, String name) {
        return component(status.get("sources"), name);
    }

    private static JsonNode sink(JsonNode status, String name) {
        return component(status.get("sinks"), name);
    }

    private static JsonNode component(JsonNode list, String name) {
        for (JsonNode c : list) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no component " + name + " in " + list);
    }

    /** Every sample of a scrape by {@code name{label=value,...}} with labels sorted. */
    private static Map<String, Double> samples(String text) {
        Map<String, Double> m = new java.util.HashMap<>();
        for (Matcher s = SAMPLE.matcher(text); s.find(); ) {
            Map<String, String> labels = new java.util.TreeMap<>();
            for (Matcher l = LABEL.matcher(s.group(2)); l.find(); ) {
                labels.put(l.group(1), l.group(2));
            }
            m.put(key(s.group(1), labels), Double.parseDouble(s.group(3)));
        }
        return m;
    }

    private static String key(String metric, Map<String, String> labels) {
        return metric + new java.util.TreeMap<>(labels);
    }

    private static double metric(Map<String, Double> metrics, String name, Map<String, String> labels) {
        Double v = metrics.get(key(name, labels));
        assertThat(v).as(key(name, labels)).isNotNull();
        return v;
    }

    private static Map<String, String> labels(Map<String, String> base, String... more) {
        Map<String, String> m = new java.util.TreeMap<>(base);
        for (int i = 0; i < more.length; i += 2) {
            m.put(more[i], more[i + 1]);
        }
        return m;
    }

    /** The own-counter names a component has as {@code counter}/{@code gauge} series. */
    private static Set<String> ownSeries(Map<String, Double> metrics, String kind, Map<String, String> base) {
        Set<String> names = new TreeSet<>();
        for (String k : metrics.keySet()) {
            for (String series : new String[] {"logrouter_" + kind + "_events_total", "logrouter_" + kind + "_gauge"}) {
                String label = series.endsWith("gauge") ? "gauge" : "counter";
                if (k.startsWith(series + "{")) {
                    Matcher l = Pattern.compile(label + "=([^,}]+)").matcher(k);
                    if (l.find() && k.equals(key(series, labels(base, label, l.group(1))))) {
                        names.add(l.group(1));
                    }
                }
            }
        }
        return names;
    }

    private static void checkOwn(JsonNode c, Map<String, Double> metrics, String kind, Map<String, String> base) {
        Set<String> own = new TreeSet<>();
        Set<String> levels = new TreeSet<>();
        c.get("levels").forEach(l -> levels.add(l.asText()));
        c.get("counters").fields().forEachRemaining(e -> {
            own.add(e.getKey());
            // a level is a gauge, a total a counter
            String series = levels.contains(e.getKey()) ? key("logrouter_" + kind + "_gauge",
                    labels(base, "gauge", e.getKey())) : key("logrouter_" + kind + "_events_total",
                    labels(base, "counter", e.getKey()));
            assertThat(metrics.get(series)).as(series).isEqualTo((double) e.getValue().asLong());
        });
        assertThat(own).as(c.get("name") + " levels are own counters").containsAll(levels);
        assertThat(ownSeries(metrics, kind, base)).as(c.get("name") + " own series").isEqualTo(own);
    }

    /** Checks each source or sink of a report has the standard fields, then runs {@code check} with its labels. */
    private static void eachComponent(JsonNode status, String kind, List<String> fields, int types,
                                      java.util.function.BiConsumer<JsonNode, Map<String, String>> check) {
        assertThat(status.get(kind + "s")).hasSize(types);
        for (JsonNode c : status.get(kind + "s")) {
            assertThat(fieldNames(c)).as(c.get("name").asText()).containsExactlyElementsOf(fields);
            check.accept(c, labels(Map.of(kind, c.get("name").asText(), "type", c.get("type").asText())));
        }
    }

    /** Each {@code {field, metric, labels}}: the status figure is the metric's value. */
    private static void sameFigures(JsonNode c, Map<String, Double> metrics, Object[][] figures) {
        for (Object[] f : figures) {
            @SuppressWarnings("unchecked")
            Map<String, String> labels = (Map<String, String>) f[2];
            assertThat(metric(metrics, (String) f[1], labels)).as(c.get("name").asText() + " " + f[0])
                    .isEqualTo((double) c.get((String) f[0]).asLong());
        }
    }

    private static void checkSources(JsonNode status, Map<String, Double> metrics) {
        eachComponent(status, "source", SOURCE_FIELDS, ComponentTypes.SOURCES.size(), (s, l) -> {
            String name = s.get("name").asText();
            sameFigures(s, metrics, new Object[][] {{"records", "logrouter_source_records_total", l},
                {"bytes", "logrouter_source_bytes_total", l}, {"errors", "logrouter_source_errors_total", l},
                {"dropped", "logrouter_source_dropped_total", l}, {"restarts", "logrouter_source_restarts_total", l}});
            assertThat(metric(metrics, "logrouter_source_state", labels(l, "state", s.get("state").asText())))
                    .as(name + " state").isEqualTo(1.0);
            double exit = metric(metrics, "logrouter_source_last_exit_code", l);
            if (s.get("lastExitCode").isNull()) {
                assertThat(exit).as(name + " exit code").isNaN();
            } else {
                assertThat(exit).as(name + " exit code").isEqualTo(s.get("lastExitCode").asDouble());
            }
            checkOwn(s, metrics, "source", l);
        });
    }

    private static void checkSinks(JsonNode status, Map<String, Double> metrics) {
        eachComponent(status, "sink", SINK_FIELDS, ComponentTypes.SINKS.size(), (s, l) -> {
            String name = s.get("name").asText();
            sameFigures(s, metrics, new Object[][] {{"offered", "logrouter_sink_offered_total", l},
                {"delivered", "logrouter_sink_delivered_total", l}, {"written", "logrouter_sink_written_total", l},
                {"writtenBytes", "logrouter_sink_written_bytes_total", l},
                {"droppedFull", "logrouter_sink_dropped_total", labels(l, "reason", "buffer_full")},
                {"droppedShutdown", "logrouter_sink_dropped_total", labels(l, "reason", "shutdown")},
                {"droppedTransport", "logrouter_sink_dropped_total", labels(l, "reason", "transport")},
                {"droppedEncode", "logrouter_sink_dropped_total", labels(l, "reason", "encode_error")},
                {"droppedRateLimit", "logrouter_sink_transform_dropped_total", labels(l, "reason", "rate_limit")},
                {"skippedBlank", "logrouter_sink_skipped_total", labels(l, "reason", "blank")},
                {"resent", "logrouter_sink_resent_total", l}, {"reconnects", "logrouter_sink_reconnects_total", l},
                {"depth", "logrouter_sink_buffer_depth", l}, {"bufferBytes", "logrouter_sink_buffer_bytes", l},
                {"maxEvents", "logrouter_sink_buffer_capacity_records", l},
                {"maxBytes", "logrouter_sink_buffer_capacity_bytes", l}});
            assertThat(s.get("dropped").asLong()).as(name + " dropped = the sum of the reasons")
                    .isEqualTo(s.get("droppedFull").asLong() + s.get("droppedShutdown").asLong()
                            + s.get("droppedTransport").asLong() + s.get("droppedEncode").asLong());
            assertThat(metric(metrics, "logrouter_sink_connection", labels(l, "state", s.get("connection").asText())))
                    .as(name + " connection").isEqualTo(1.0);
            checkOwn(s, metrics, "sink", l);
        });
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void everyMetricTheGrafanaDashboardQueriesIsExported(@TempDir Path dir) throws Exception {
        Path dashboard = docs().getParent().resolve("packaging/grafana/logrouter.json");
        com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dashboard.toFile());
        java.util.List<String> queries = new java.util.ArrayList<>();
        collectQueries(root, queries);
        Set<String> used = new TreeSet<>();
        Pattern name = Pattern.compile("\\b(?:logrouter|process|jvm|system)_[a-z0-9_]+");
        for (String q : queries) {
            // label values in quotes are not metric names
            Matcher m = name.matcher(q.replaceAll("\"[^\"]*\"", "\"\""));
            while (m.find()) {
                used.add(m.group());
            }
        }
        assertThat(queries).hasSizeGreaterThan(20);
        assertThat(used).contains("logrouter_sink_dropped_total", "logrouter_route_dropped_total",
                "logrouter_sink_transform_dropped_total", "logrouter_sink_buffer_depth",
                "logrouter_sink_connection", "logrouter_sink_resent_total", "process_resident_memory_bytes");

        RouterConfig config = new ConfigLoader(Map.of(ConfigLoader.RUNTIME_DIR_VARIABLE, dir.toString()))
                .parse(everyType(dir), "every-type.yaml");
        Daemon d = Daemon.start(config);
        try (MetricsServer m = MetricsServer.start("127.0.0.1:0",
                () -> StatusReport.of(d.router(), System.currentTimeMillis(), null, null))) {
            // GC pause timers appear with the first collection
            String[] scraped = {m.scrape()};
            try {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                        .pollInterval(java.time.Duration.ofMillis(50)).until(() -> {
                            if (scraped[0].contains("jvm_gc_pause_seconds_count")) {
                                return true;
                            }
                            System.gc();
                            scraped[0] = m.scrape();
                            return false;
                        });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // the assertions below name what is missing
            }
            String text = scraped[0];
            Set<String> exported = new TreeSet<>();
            for (Matcher g = Pattern.compile("(?m)^([a-z_]+)[{ ]").matcher(text); g.find(); ) {
                exported.add(g.group(1));
            }
            assertThat(used).as("metric names the dashboard queries").isSubsetOf(exported);
        } finally {
            d.stop(Duration.ofSeconds(2));
        }
    }

    private static void collectQueries(com.fasterxml.jackson.databind.JsonNode n, java.util.List<String> out) {
        if (n.isObject()) {
            n.fields().forEachRemaining(e -> {
                if (("expr".equals(e.getKey()) || "definition".equals(e.getKey())) && e.getValue().isTextual()) {
                    out.add(e.getValue().asText());
                } else {
                    collectQueries(e.getValue(), out);
                }
            });
        } else if (n.isArray()) {
            n.forEach(c -> collectQueries(c, out));
        }
    }

    static Path docs() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("docs"))) {
            p = p.getParent();
        }
        return p.resolve("docs");
    }
}
