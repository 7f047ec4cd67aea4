package dev.logrouter.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

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
                assertThat(b.sink().tracksSettlement()).as(b.sink().type()).isTrue();
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
            String text = m.scrape();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!text.contains("jvm_gc_pause_seconds_count") && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(50);
                text = m.scrape();
            }
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
