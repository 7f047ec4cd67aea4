package dev.logrouter.core.router;

import dev.logrouter.core.testsupport.TestSpecs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.JournalSpec;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.route.Glob;
import dev.logrouter.core.route.RouteSpec;
import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.testsupport.CollectingSink;
import dev.logrouter.core.sink.SinkBuffer;
import dev.logrouter.core.sink.WhenFull;
import dev.logrouter.core.source.LogSource;
import dev.logrouter.core.source.SourceCounters;
import dev.logrouter.core.transform.TransformChain;
import dev.logrouter.core.transform.TransformSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class RouterTest {

    /** Takes one record and never asks for more: a dead receiver. */
    static final class StuckSink implements LogSink {
        @Override
        public String name() {
            return "stuck";
        }

        @Override
        public String type() {
            return "stuck";
        }

        @Override
        public Mono<Void> write(Flux<LogRecord> records) {
            return records.limitRate(1).concatMap(r -> Mono.never(), 1).then();
        }
    }

    private static LogSource source(String name, String service, int n) {
        return new LogSource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String type() {
                return "test";
            }

            @Override
            public Flux<LogRecord> records() {
                return Flux.range(0, n).map(i -> LogRecord.of(LogRecord.now(), name, service, "stdout", Level.INFO, "m" + i));
            }
        };
    }

    private static RouteSpec to(String serviceGlob, String... sinks) {
        return new RouteSpec(null, serviceGlob == null ? null : Glob.compile(serviceGlob), null, null, null, null, List.of(sinks));
    }

    @Test
    void recordsGoToTheJournalAndToRoutedSinksOnly() throws Exception {
        Journal j = Journal.create(new JournalSpec(10_000, 1L << 26));
        try (Router router = new Router(j)) {
            CollectingSink web = CollectingSink.named("web");
            CollectingSink all = CollectingSink.named("all");
            Map<LogSink, BufferSpec> sinks = new LinkedHashMap<>();
            sinks.put(web, TestSpecs.BUFFER);
            sinks.put(all, TestSpecs.BUFFER);
            router.startSinks(sinks, List.of(to("web*", "web", "all"), to(null, "all")));
            SourceCounters a = router.attach(source("a", "web-1", 100)).counters();
            router.attach(source("b", "db", 50));
            waitFor(() -> all.got.size() == 150 && web.got.size() == 100);
            assertThat(List.copyOf(web.got)).allMatch(r -> r.service().equals("web-1"));
            assertThat(a.records()).isEqualTo(100);
            assertThat(a.state()).isEqualTo("stopped");
            assertThat(j.stats().appended()).isEqualTo(150);
            assertThat(List.copyOf(all.got)).extracting(LogRecord::cursor).doesNotHaveDuplicates();
        }
    }

    @Test
    void routesAndSinksTransformTheirCopiesAndTheJournalKeepsTheOriginal() throws Exception {
        Journal j = Journal.create(new JournalSpec(10_000, 1L << 26));
        try (Router router = new Router(j)) {
            CollectingSink parsed = CollectingSink.named("parsed");
            CollectingSink raw = CollectingSink.named("raw");
            Map<LogSink, BufferSpec> sinks = new LinkedHashMap<>();
            sinks.put(parsed, TestSpecs.BUFFER);
            sinks.put(raw, TestSpecs.BUFFER);
            RouteSpec parse = new RouteSpec(null, Glob.compile("web"), null, null, null, null, List.of("parsed"),
                    TransformChain.compile(List.of(new TransformSpec.ParseJson()), "route 0"));
            // a later route naming the same sink does not deliver it twice
            RouteSpec all = new RouteSpec(null, null, null, null, null, null, List.of("parsed", "raw"));
            router.startSinks(sinks, List.of(parse, all));
            router.route(router.sinks(), List.of(parse, all), Map.of("raw",
                    TransformChain.compile(List.of(new TransformSpec.AddFields(Map.of("cluster", "prod"))), "sink raw")));
            String line = "{\"level\":\"error\",\"msg\":\"boom\",\"n\":1}";
            router.ingest(LogRecord.of(LogRecord.now(), "fd", "web", "stdout", Level.INFO, line));
            router.ingest(LogRecord.of(LogRecord.now(), "fd", "web", "stdout", Level.INFO, "   "));
            router.ingest(LogRecord.of(LogRecord.now(), "fd", "db", "stdout", Level.INFO, line));
            waitFor(() -> parsed.got.size() == 2 && raw.got.size() == 3);
            assertThat(parsed.got.get(0).msg()).isEqualTo("boom");
            assertThat(parsed.got.get(0).level()).isEqualTo(Level.ERR);
            assertThat(parsed.got.get(0).fields()).containsEntry("n", 1L);
            // db matched only the second route, which has no parse
            assertThat(parsed.got.get(1).msg()).isEqualTo(line);
            assertThat(List.copyOf(raw.got)).extracting(LogRecord::msg).containsExactly(line, "   ", line);
            assertThat(List.copyOf(raw.got)).allMatch(r -> "prod".equals(r.fields().get("cluster")));
            assertThat(router.transforms()).hasSize(2);
            assertThat(router.transforms().get(0).blank()).isEqualTo(1);
            // the journal holds the records as they came
            assertThat(j.stats().appended()).isEqualTo(3);
            assertThat(j.dump().map(LogRecord::msg).collectList().block(Duration.ofSeconds(5))).containsExactly(line, "   ", line);
        }
    }

    @Test
    void aDeadSinkDelaysNeitherOtherSinksNorIngest() throws Exception {
        Journal j = Journal.create(new JournalSpec(1000, 1L << 26));
        try (Router router = new Router(j)) {
            CollectingSink good = CollectingSink.named("good");
            Map<LogSink, BufferSpec> sinks = new LinkedHashMap<>();
            sinks.put(new StuckSink(), new BufferSpec(100, 1 << 20, WhenFull.DROP_OLDEST));
            sinks.put(good, TestSpecs.BUFFER);
            router.startSinks(sinks, List.of(to(null, "stuck", "good")));
            int n = 50_000;
            router.attach(source("a", "svc", n));
            waitFor(() -> good.got.size() == n);
            var stuck = router.buffers().get("stuck");
            waitFor(() -> stuck.delivered() + stuck.dropped() + stuck.depth() == n);
            assertThat(stuck.depth()).isEqualTo(100);
            assertThat(stuck.dropped()).isEqualTo(n - 100 - stuck.delivered());
            assertThat(j.stats().appended()).isEqualTo(n);
            router.shutdown(Duration.ofMillis(100));
        }
    }

    @Test
    void aBlockingSinkPausesOnlyTheSourcesRoutedToItAndNoThreadWaits() throws Exception {
        Journal j = Journal.create(new JournalSpec(1000, 1L << 26));
        try (Router router = new Router(j)) {
            CollectingSink other = CollectingSink.named("other");
            Map<LogSink, BufferSpec> sinks = new LinkedHashMap<>();
            sinks.put(new StuckSink(), new BufferSpec(10, 1 << 20, WhenFull.BLOCK));
            sinks.put(other, TestSpecs.BUFFER);
            router.startSinks(sinks, List.of(to("blocked", "stuck"), to("free", "other")));
            AtomicInteger generated = new AtomicInteger();
            LogSource blocked = new LogSource() {
                @Override
                public String name() {
                    return "blocked";
                }

                @Override
                public String type() {
                    return "test";
                }

                @Override
                public Flux<LogRecord> records() {
                    return Flux.range(0, 100_000).map(i -> {
                        generated.incrementAndGet();
                        return LogRecord.of(LogRecord.now(), "blocked", "blocked", "stdout", Level.INFO, "b" + i);
                    });
                }
            };
            // Flux.range emits on the subscribing thread: with a parked producer attach would never return
            router.attach(blocked);
            router.attach(source("free", "free", 10_000));
            waitFor(() -> other.got.size() == 10_000);
            SinkBuffer stuck = router.buffers().get("stuck");
            // the bound: 10 waiting (the one the stuck sink took is not counted: it reports no settlement);
            // the source was asked for one batch only
            assertThat(stuck.depth()).isEqualTo(10);
            assertThat(generated.get()).isEqualTo(SourceIntake.BATCH);
            assertThat(stuck.dropped()).isZero();
            router.shutdown(Duration.ofMillis(200));
            // nothing vanishes: the rest of the batch that waited in the router reaches the closed buffer,
            // which counts it as dropped
            waitFor(() -> stuck.offered() == SourceIntake.BATCH
                    && stuck.dropped() + stuck.delivered() >= SourceIntake.BATCH);
        }
    }

    static void waitFor(java.util.function.BooleanSupplier cond) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .pollInterval(java.time.Duration.ofMillis(5)).until(cond::getAsBoolean);
    }

    @Test
    void aFailedSourceIsLoggedForStderrAndShownAsFailed() {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Router.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
                new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try (Journal journal = Journal.create(new JournalSpec(100, 1 << 20)); Router router = new Router(journal)) {
            LogSource bad = new LogSource() {
                @Override
                public String name() {
                    return "sock";
                }

                @Override
                public String type() {
                    return "fd_socket";
                }

                @Override
                public Flux<LogRecord> records() {
                    return Flux.error(new java.io.IOException("cannot bind /run/x.sock: Permission denied"));
                }
            };
            SourceCounters c = router.attach(bad).counters();
            assertThat(c.state()).isEqualTo("failed");
            assertThat(c.lastError()).isEqualTo("cannot bind /run/x.sock: Permission denied");
            assertThat(seen.list).singleElement().satisfies(e -> {
                assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.ERROR);
                assertThat(e.getFormattedMessage())
                        .isEqualTo("source sock failed: cannot bind /run/x.sock: Permission denied");
            });
        } finally {
            log.detachAppender(seen);
        }
    }
}
