package dev.logrouter.core.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.JournalSpec;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.route.Glob;
import dev.logrouter.core.route.RouteSpec;
import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.sink.WhenFull;
import dev.logrouter.core.source.LogSource;
import dev.logrouter.core.source.SourceCounters;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class RouterTest {

    /** Collects what it is given, as fast as it comes. */
    static final class CollectingSink implements LogSink {
        final String name;
        final List<LogRecord> got = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

        CollectingSink(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String type() {
            return "collect";
        }

        @Override
        public Mono<Void> write(Flux<LogRecord> records) {
            return records.doOnNext(got::add).then();
        }
    }

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
            CollectingSink web = new CollectingSink("web");
            CollectingSink all = new CollectingSink("all");
            Map<LogSink, BufferSpec> sinks = new LinkedHashMap<>();
            sinks.put(web, BufferSpec.DEFAULT);
            sinks.put(all, BufferSpec.DEFAULT);
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
    void aDeadSinkDelaysNeitherOtherSinksNorIngest() throws Exception {
        Journal j = Journal.create(new JournalSpec(1000, 1L << 26));
        try (Router router = new Router(j)) {
            CollectingSink good = new CollectingSink("good");
            Map<LogSink, BufferSpec> sinks = new LinkedHashMap<>();
            sinks.put(new StuckSink(), new BufferSpec(100, 1 << 20, WhenFull.DROP_OLDEST));
            sinks.put(good, BufferSpec.DEFAULT);
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
    void aBlockingSinkSlowsOnlyTheSourcesRoutedToIt() throws Exception {
        Journal j = Journal.create(new JournalSpec(1000, 1L << 26));
        try (Router router = new Router(j)) {
            CollectingSink other = new CollectingSink("other");
            Map<LogSink, BufferSpec> sinks = new LinkedHashMap<>();
            sinks.put(new StuckSink(), new BufferSpec(10, 1 << 20, WhenFull.BLOCK));
            sinks.put(other, BufferSpec.DEFAULT);
            router.startSinks(sinks, List.of(to("blocked", "stuck"), to("free", "other")));
            AtomicBoolean blockedFinished = new AtomicBoolean();
            CountDownLatch started = new CountDownLatch(1);
            Thread blocked = new Thread(() -> {
                started.countDown();
                for (int i = 0; i < 100; i++) {
                    router.ingest(LogRecord.of(LogRecord.now(), "x", "blocked", "stdout", Level.INFO, "b" + i));
                }
                blockedFinished.set(true);
            });
            blocked.setDaemon(true);
            blocked.start();
            started.await();
            router.attach(source("free", "free", 10_000));
            waitFor(() -> other.got.size() == 10_000);
            assertThat(blockedFinished).isFalse();
            assertThat(router.buffers().get("stuck").dropped()).isZero();
            router.shutdown(Duration.ofMillis(200));
            blocked.join(5000);
            assertThat(blockedFinished).isTrue();
        }
    }

    static void waitFor(java.util.function.BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!cond.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(cond.getAsBoolean()).as("condition within 10s").isTrue();
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
