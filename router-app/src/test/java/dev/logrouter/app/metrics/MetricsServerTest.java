package dev.logrouter.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.app.status.StatusReport;
import dev.logrouter.core.exec.ExecSource;
import dev.logrouter.core.exec.ExecSpec;
import dev.logrouter.core.exec.RestartPolicy;
import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.JournalSpec;
import dev.logrouter.core.metrics.CounterSet;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.route.RouteSpec;
import dev.logrouter.core.router.Router;
import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.sink.SinkCounters;
import dev.logrouter.core.sink.WhenFull;
import dev.logrouter.core.source.LogSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code /metrics} and {@code /health} over real HTTP, after known traffic through a real router. */
class MetricsServerTest {

    /** A sink that takes records, counts them written, and reports what else the test counts. */
    static final class CountingSink implements LogSink {
        final SinkCounters counters = new SinkCounters("up", java.util.function.UnaryOperator.identity());

        @Override
        public String name() {
            return "collect";
        }

        @Override
        public String type() {
            return "memory";
        }

        @Override
        public Mono<Void> write(Flux<LogRecord> records) {
            return records.doOnNext(r -> counters.addWritten(1)).then();
        }

        @Override
        public SinkCounters counters() {
            return counters;
        }
    }

    /** A source of {@code n} records, then complete. */
    record CountSource(int n) implements LogSource {
        @Override
        public String name() {
            return "gen";
        }

        @Override
        public String type() {
            return "counter";
        }

        @Override
        public Flux<LogRecord> records() {
            return Flux.range(0, n).map(i -> LogRecord.of(LogRecord.now(), "gen", "svc", "stdout",
                    i % 2 == 0 ? Level.INFO : Level.ERR, "line " + i));
        }
    }

    Journal journal;
    Router router;
    CountingSink sink;
    MetricsServer metrics;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        journal = Journal.create(new JournalSpec(10, 1024 * 1024));
        router = new Router(journal);
        sink = new CountingSink();
        Map<LogSink, BufferSpec> sinks = new LinkedHashMap<>();
        sinks.put(sink, new BufferSpec(1000, 1024 * 1024, WhenFull.DROP_OLDEST));
        // only errors go to the sink
        router.startSinks(sinks, List.of(new RouteSpec(null, null, null, Level.ERR, null, null, List.of("collect"))));
        router.attach(new CountSource(25));
        long started = System.currentTimeMillis();
        metrics = MetricsServer.start("127.0.0.1:0", () -> StatusReport.of(router, started, null, null));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> sink.counters.written() >= 12);
    }

    @AfterEach
    void stop() {
        metrics.close();
        router.close();
        journal.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsExportWhatStatusShowsWithLabels() throws Exception {
        sink.counters.addResent(4);
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        String body = r.body();
        assertThat(body)
                .contains("logrouter_source_records_total{source=\"gen\",type=\"counter\"} 25.0")
                .contains("logrouter_source_up{source=\"gen\",type=\"counter\"} 0.0") // completed: stopped
                .contains("logrouter_sink_offered_total{sink=\"collect\",type=\"memory\"} 12.0")
                .contains("logrouter_sink_delivered_total{sink=\"collect\",type=\"memory\"} 12.0")
                .contains("logrouter_sink_written_total{sink=\"collect\",type=\"memory\"} 12.0")
                .contains("logrouter_sink_dropped_total{reason=\"buffer_full\",sink=\"collect\",type=\"memory\"} 0.0")
                .contains("logrouter_sink_dropped_total{reason=\"shutdown\",sink=\"collect\",type=\"memory\"} 0.0")
                .contains("logrouter_sink_dropped_total{reason=\"transport\",sink=\"collect\",type=\"memory\"} 0.0")
                .contains("logrouter_sink_buffer_capacity_records{sink=\"collect\",type=\"memory\"} 1000.0")
                .contains("logrouter_sink_buffer_capacity_bytes{sink=\"collect\",type=\"memory\"} 1048576.0")
                .contains("logrouter_sink_connection{sink=\"collect\",state=\"up\",type=\"memory\"} 1.0")
                .contains("logrouter_sink_connection{sink=\"collect\",state=\"down\",type=\"memory\"} 0.0")
                .contains("logrouter_sink_buffer_depth{sink=\"collect\",type=\"memory\"} 0.0")
                .contains("logrouter_sink_up{sink=\"collect\",type=\"memory\"} 1.0")
                .contains("logrouter_journal_appended_total 25.0")
                .contains("logrouter_journal_overwritten_total 15.0")
                .contains("logrouter_journal_records 10.0")
                .contains("logrouter_journal_max_records 10.0")
                .contains("# HELP logrouter_sink_dropped_total")
                .contains("logrouter_sink_resent_total{sink=\"collect\",type=\"memory\"} 4.0")
                .contains("logrouter_source_state{source=\"gen\",state=\"stopped\",type=\"counter\"} 1.0")
                .contains("logrouter_source_restarts_total{source=\"gen\",type=\"counter\"} 0.0");
        // values follow the live counters on the next scrape
        router.ingest(LogRecord.of(LogRecord.now(), "x", "x", "stdout", Level.CRIT, "one more"));
        assertThat(get("/metrics").body()).contains("logrouter_journal_appended_total 26.0")
                .contains("logrouter_sink_offered_total{sink=\"collect\",type=\"memory\"} 13.0");
    }

    @Test
    void healthIsUpUntilASinkIsDown() throws Exception {
        HttpResponse<String> up = get("/health");
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.body()).isEqualTo("{\"status\":\"up\"}\n");
        sink.counters.connection("connecting");
        sink.counters.error("connection refused");
        for (int i = 0; i < 3; i++) {
            sink.counters.addReconnect();
        }
        HttpResponse<String> down = get("/health");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).isEqualTo(
                "{\"status\":\"down\",\"reasons\":[\"sink collect is connecting: connection refused\"]}\n");
        assertThat(get("/metrics").body()).contains("logrouter_sink_up{sink=\"collect\",type=\"memory\"} 0.0")
                .contains("logrouter_sink_reconnects_total{sink=\"collect\",type=\"memory\"} 3.0");
        assertThat(get("/nothing").statusCode()).isEqualTo(404);
    }

    @Test
    void conventionsCountersTotalJvmProcessAndBuildInfo() throws Exception {
        String body = get("/metrics").body();
        assertThat(body)
                .contains("# TYPE logrouter_source_records_total counter")
                .contains("# TYPE logrouter_sink_written_bytes_total counter")
                .contains("# TYPE logrouter_source_bytes_total counter")
                .containsPattern("(?m)^logrouter_build_info\\{java_version=\"[^\"]+\",version=\"[^\"]+\"} 1(\\.0)?$")
                .containsPattern("(?m)^process_start_time_seconds \\d")
                .containsPattern("(?m)^process_files_open_files \\d")
                .containsPattern("(?m)^process_resident_memory_bytes \\d")
                .contains("jvm_memory_used_bytes{")
                .contains("jvm_threads_live_threads")
                .doesNotContain("logrouter_uptime_seconds");
        // no monotonic figure is exported as a gauge: every logrouter counter ends in _total
        for (String line : body.split("\n")) {
            if (line.startsWith("# TYPE logrouter_") && line.endsWith(" counter")) {
                assertThat(line.split(" ")[2]).endsWith("_total");
            }
        }
    }

    @Test
    void postToMetricsOrHealthIs405() throws Exception {
        for (String path : new String[] {"/metrics", "/health"}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metrics.port() + path))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).contains("GET, HEAD");
        }
    }

    @Test
    void aSourcesOwnCountersAreCounters() throws Exception {
        router.attach(new LogSource() {
            @Override
            public String name() {
                return "own";
            }

            @Override
            public String type() {
                return "test";
            }

            @Override
            public Flux<LogRecord> records() {
                return Flux.never();
            }

            final CounterSet own = new CounterSet();

            {
                own.counter("parse_errors").set(7);
                own.level("held_now", () -> 2);
            }

            @Override
            public CounterSet counters() {
                return own;
            }
        });
        assertThat(get("/metrics").body())
                .contains("logrouter_source_events_total{counter=\"parse_errors\",source=\"own\",type=\"test\"} 7.0")
                .contains("logrouter_source_gauge{gauge=\"held_now\",source=\"own\",type=\"test\"} 2.0")
                .doesNotContain("logrouter_source_counter{");
    }

    @Test
    void aSinksOwnCountersShowInStatusAndMetrics() throws Exception {
        LogSink own = new LogSink() {
            @Override
            public String name() {
                return "own-sink";
            }

            @Override
            public String type() {
                return "test";
            }

            @Override
            public reactor.core.publisher.Mono<Void> write(Flux<LogRecord> records) {
                return records.then();
            }

            final SinkCounters counted = new SinkCounters();

            {
                counted.own().counter("acked").set(5);
                counted.own().level("in_flight", () -> 3);
            }

            @Override
            public SinkCounters counters() {
                return counted;
            }
        };
        Map<LogSink, BufferSpec> more = new LinkedHashMap<>();
        more.put(own, new BufferSpec(10, 1024 * 1024, WhenFull.DROP_OLDEST));
        router.startSinks(more, List.of(new RouteSpec(null, null, null, Level.ERR, null, null, List.of("own-sink"))));
        StatusReport.Sink s = StatusReport.of(router, 0, null, null).sinks().stream()
                .filter(x -> x.name().equals("own-sink")).findFirst().orElseThrow();
        assertThat(s.counters()).containsEntry("acked", 5L).containsEntry("in_flight", 3L);
        assertThat(get("/metrics").body())
                .contains("logrouter_sink_events_total{counter=\"acked\",sink=\"own-sink\",type=\"test\"} 5.0")
                .contains("logrouter_sink_gauge{gauge=\"in_flight\",sink=\"own-sink\",type=\"test\"} 3.0");
    }

    @Test
    void anExecThatCannotStartShowsInStatusMetricsAndHealth() throws Exception {
        ExecSource web = new ExecSource(new ExecSpec("web", null, List.of("/nonexistent/nginx"), null, null,
                RestartPolicy.ON_FAILURE, Duration.ofMillis(50), Duration.ofMillis(50), 64 * 1024, Duration.ofSeconds(1),
                Duration.ofSeconds(3), true));
        router.attach(web);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> web.health().restarts() >= 2);
        String body = get("/metrics").body();
        assertThat(body).containsPattern("logrouter_source_restarts_total\\{source=\"web\",type=\"exec\"} [1-9]")
                .contains("logrouter_source_up{source=\"web\",type=\"exec\"} 0.0")
                .containsPattern("logrouter_source_errors_total\\{source=\"web\",type=\"exec\"} [1-9]");
        assertThat(body).containsPattern(
                "logrouter_source_state\\{source=\"web\",state=\"(restarting|running)\",type=\"exec\"} 1.0");
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).contains("source web ").contains("cannot start [/nonexistent/nginx]");
        StatusReport.Source s = StatusReport.of(router, 0, null, null).sources().stream()
                .filter(x -> x.name().equals("web")).findFirst().orElseThrow();
        assertThat(s.lastError()).contains("No such file");
        assertThat(s.errors()).isPositive();
    }
}
