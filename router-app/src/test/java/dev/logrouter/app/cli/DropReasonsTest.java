package dev.logrouter.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logrouter.app.config.ConfigLoader;
import dev.logrouter.app.config.RouterConfig;
import dev.logrouter.app.daemon.Daemon;
import dev.logrouter.app.metrics.MetricsServer;
import dev.logrouter.app.status.StatusReport;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drops by reason, end to end: a running daemon, a real TCP sink, a real receiver; what the receiver
 * got plus what {@code status --json} and {@code /metrics} count as dropped is everything sent.
 */
class DropReasonsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static void waitFor(String what, BooleanSupplier done) {
        org.awaitility.Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(done::getAsBoolean);
    }

    static String get(int port, String path) throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        return res.body();
    }

    /** The value of one series in Prometheus text, by its exact name and a label it must carry. */
    static double series(String metrics, String name, String... labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)} (\\S+)$").matcher(metrics);
        while (m.find()) {
            boolean all = true;
            for (String l : labels) {
                all &= m.group(1).contains(l);
            }
            if (all) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("no series " + name + " with " + List.of(labels) + " in:\n" + metrics);
    }

    /**
     * A JSON line nested 1000 deep: {@code parse: json} lifts it into fields (the parser allows that
     * depth), but the ECS encoder puts fields one level deeper, past what its JSON writer allows.
     */
    static String nestedTooDeep() {
        int depth = 1000;
        return "{\"deep\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}";
    }

    @Test
    void aRecordTheEncoderCannotEncodeIsDroppedAsEncodeError(@TempDir Path dir) throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        int port = LineReceiver.freePort();
        try (LineReceiver receiver = new LineReceiver(port, got::add)) {
            RouterConfig config = new ConfigLoader(Map.of(ConfigLoader.RUNTIME_DIR_VARIABLE, dir.toString())).parse("""
                    sinks:
                      out: { type: tcp, endpoint: "tcp://127.0.0.1:%d/", format: json_lines, fields: ecs }
                    routes:
                      - { service: app, to: [out], transforms: [ { parse: json } ] }
                    """.formatted(port), "encode.yaml");
            Daemon d = Daemon.start(config);
            try (MetricsServer m = MetricsServer.start("127.0.0.1:0",
                    () -> StatusReport.of(d.router(), System.currentTimeMillis(), null, null))) {
                d.router().ingest(LogRecord.of(LogRecord.now(), "app", "app", "stdout", Level.INFO, "before"));
                d.router().ingest(LogRecord.of(LogRecord.now(), "app", "app", "stdout", Level.INFO, nestedTooDeep()));
                d.router().ingest(LogRecord.of(LogRecord.now(), "app", "app", "stdout", Level.INFO, "after"));
                waitFor("two lines and one drop", () -> got.size() >= 2
                        && StatusReport.of(d.router(), 0, null, null).sinks().get(0).dropped() >= 1);

                assertThat(got).hasSize(2);
                assertThat(got.get(0)).contains("\"message\":\"before\"");
                assertThat(got.get(1)).contains("\"message\":\"after\"");

                StatusReport report = StatusReport.of(d.router(), System.currentTimeMillis(), null, null);
                JsonNode sink = JSON.readTree(report.toJson()).get("sinks").get(0);
                assertThat(sink.get("dropped").asLong()).isEqualTo(1);
                assertThat(sink.path("droppedEncode").asLong(-1)).as(sink.toString()).isEqualTo(1);
                assertThat(sink.get("droppedTransport").asLong()).isZero();
                assertThat(sink.get("lastError").asText()).contains("cannot encode");
                assertThat(StatusCommand.render(StatusReport.parse(report.toJson())))
                        .contains("out: dropped 1 = buffer full 0 + shutdown 0 + transport 0 + encode error 1");

                String metrics = get(m.port(), "/metrics");
                assertThat(series(metrics, "logrouter_sink_dropped_total", "sink=\"out\"", "reason=\"encode_error\""))
                        .isEqualTo(1.0);
                assertThat(series(metrics, "logrouter_sink_dropped_total", "sink=\"out\"", "reason=\"transport\""))
                        .isZero();
                assertThat(got.size() + sink.get("dropped").asLong()).isEqualTo(3);
            } finally {
                d.stop(Duration.ofSeconds(2));
            }
        }
    }

    /** {@code logrouter status ARGS} against the daemon's query socket, in process; its stdout. */
    static String status(Path socket, String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cl = LogrouterCommand.commandLine();
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(out, true));
        List<String> all = new java.util.ArrayList<>(List.of("status", "--socket", socket.toString()));
        all.addAll(List.of(args));
        assertThat(cl.execute(all.toArray(new String[0]))).as(out.toString()).isZero();
        return out.toString();
    }

    @Test
    void recordsARateLimitDropsReconcileWithWhatTheReceiverGot(@TempDir Path dir) throws Exception {
        int n = 200;
        List<String> got = new CopyOnWriteArrayList<>();
        List<String> gotLimited = new CopyOnWriteArrayList<>();
        int port = LineReceiver.freePort();
        int port2 = LineReceiver.freePort();
        try (LineReceiver receiver = new LineReceiver(port, got::add);
             LineReceiver receiver2 = new LineReceiver(port2, gotLimited::add)) {
            // a window far longer than the test: exactly `max` records pass, whatever the speed
            RouterConfig config = new ConfigLoader(Map.of(ConfigLoader.RUNTIME_DIR_VARIABLE, dir.toString())).parse("""
                    sinks:
                      out: { type: tcp, endpoint: "tcp://127.0.0.1:%d/" }
                      limited:
                        type: tcp
                        endpoint: "tcp://127.0.0.1:%d/"
                        transforms: [ { rate_limit: { per: service, max: 3, interval: 1h } } ]
                    routes:
                      - service: app
                        to: [out]
                        transforms: [ { rate_limit: { per: service, max: 5, interval: 1h } } ]
                      - { service: app, to: [limited] }
                    """.formatted(port, port2), "rate-limit.yaml");
            Daemon d = Daemon.start(config);
            try (MetricsServer m = MetricsServer.start("127.0.0.1:0",
                    () -> StatusReport.of(d.router(), System.currentTimeMillis(), null, null))) {
                // two blank lines first: they pass the rate limit, and the Talos json_lines sink skips them
                for (int i = 0; i < n; i++) {
                    d.router().ingest(LogRecord.of(LogRecord.now(), "app", "app", "stdout", Level.INFO,
                            i < 2 ? "   " : "line " + i));
                }
                waitFor("three lines at each receiver", () -> got.size() >= 3 && gotLimited.size() >= 3
                        && StatusReport.of(d.router(), 0, null, null).sinks().stream().allMatch(s -> s.written() == 3));

                JsonNode report = JSON.readTree(status(config.query().socket(), "--json"));
                JsonNode route = report.get("routes").get(0);
                JsonNode sink = report.get("sinks").get(0);
                assertThat(route.get("index").asInt()).isZero();
                assertThat(route.get("droppedRateLimit").asLong()).isEqualTo(n - 5);
                assertThat(sink.get("skippedBlank").asLong()).isEqualTo(2);
                assertThat(sink.get("offered").asLong()).isEqualTo(3);
                assertThat(got.size() + route.get("droppedRateLimit").asLong() + sink.get("skippedBlank").asLong()
                        + sink.get("dropped").asLong()).isEqualTo(n);
                assertThat(got).allSatisfy(l -> assertThat(l).contains("\"talos-service\":\"app\""));
                // the sink's own rate limit: blank lines are skipped first (Talos json_lines), then 3 pass
                assertThat(report.get("routes")).hasSize(1);
                JsonNode limited = report.get("sinks").get(1);
                assertThat(limited.get("name").asText()).isEqualTo("limited");
                assertThat(limited.get("droppedRateLimit").asLong()).isEqualTo(n - 2 - 3);
                assertThat(gotLimited.size() + limited.get("droppedRateLimit").asLong()
                        + limited.get("skippedBlank").asLong() + limited.get("dropped").asLong()).isEqualTo(n);

                String text = status(config.query().socket());
                assertThat(text).containsPattern("(?m)^ROUTE +TO +RATE LIMITED +BLANK SKIPPED$")
                        .containsPattern("(?m)^0 +out +" + (n - 5) + " +0$")
                        .contains("out: before the buffer: rate limit dropped 0, blank lines skipped 2")
                        .contains("limited: before the buffer: rate limit dropped " + (n - 5) + ", blank lines skipped 2");

                String metrics = get(m.port(), "/metrics");
                double routeDropped = series(metrics, "logrouter_route_dropped_total", "route=\"0\"", "to=\"out\"",
                        "reason=\"rate_limit\"");
                double skipped = series(metrics, "logrouter_sink_skipped_total", "sink=\"out\"", "reason=\"blank\"");
                double sinkDropped = 0;
                for (String reason : new String[] {"buffer_full", "shutdown", "transport", "encode_error"}) {
                    sinkDropped += series(metrics, "logrouter_sink_dropped_total", "sink=\"out\"",
                            "reason=\"" + reason + "\"");
                }
                assertThat(series(metrics, "logrouter_sink_transform_dropped_total", "sink=\"out\"",
                        "reason=\"rate_limit\"")).isZero();
                assertThat(series(metrics, "logrouter_sink_transform_dropped_total", "sink=\"limited\"",
                        "reason=\"rate_limit\"")).isEqualTo(n - 5);
                assertThat(routeDropped).isEqualTo(n - 5);
                assertThat(got.size() + routeDropped + skipped + sinkDropped).isEqualTo(n);
            } finally {
                d.stop(Duration.ofSeconds(2));
            }
        }
    }
}
