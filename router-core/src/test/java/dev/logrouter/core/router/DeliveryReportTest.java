package dev.logrouter.core.router;

import dev.logrouter.core.testsupport.TestSpecs;
import static dev.logrouter.core.testsupport.Conditions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.route.RouteSpec;
import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.DiskSpec;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.testsupport.CollectingSink;
import dev.logrouter.core.sink.WhenFull;
import dev.logrouter.core.source.DeliveryReport;
import dev.logrouter.core.source.LogSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** What a source that tracks delivery hears from the router, with real buffers. */
class DeliveryReportTest {

    @TempDir
    Path dir;

    /** Emits what the test pushes and collects the delivery reports. */
    static final class TrackedSource implements LogSource {
        final Sinks.Many<LogRecord> out = Sinks.many().unicast().onBackpressureBuffer();
        final List<String> reports = new CopyOnWriteArrayList<>();

        void emit(String msg) {
            out.tryEmitNext(LogRecord.of(LogRecord.now(), "tracked", "svc", "stdout", Level.INFO, msg));
        }

        @Override
        public String name() {
            return "tracked";
        }

        @Override
        public String type() {
            return "test";
        }

        @Override
        public Flux<LogRecord> records() {
            return out.asFlux();
        }

        @Override
        public DeliveryReport trackDelivery() {
            return r -> reports.add(r.msg());
        }
    }


    private static RouteSpec all(String... sinks) {
        return new RouteSpec(null, null, null, null, null, null, List.of(sinks));
    }

    @Test
    void aRecordIsReportedOnlyOnceEverySinkRoutedFromItConfirmedIt() throws Exception {
        try (Router router = new Router(Journal.create(TestSpecs.JOURNAL))) {
            CollectingSink slow = CollectingSink.confirming("slow");
            CollectingSink plain = CollectingSink.named("plain");
            Map<LogSink, BufferSpec> sinks = new LinkedHashMap<>();
            sinks.put(slow, TestSpecs.BUFFER);
            sinks.put(plain, TestSpecs.BUFFER);
            router.startSinks(sinks, List.of(all("slow", "plain")));
            TrackedSource src = new TrackedSource();
            router.attach(src);
            for (int i = 1; i <= 5; i++) {
                src.emit("m" + i);
            }
            await(() -> slow.got.size() == 5 && plain.got.size() == 5);
            assertThat(src.reports).isEmpty(); // the plain sink has them all, the slow one confirmed none

            slow.confirmUpTo(1);
            await(() -> !src.reports.isEmpty());
            assertThat(src.reports).last().isEqualTo("m2");
            slow.confirmUpTo(4);
            await(() -> src.reports.get(src.reports.size() - 1).equals("m5"));
            slow.confirmUpTo(0); // already covered: ignored
            assertThat(src.reports).last().isEqualTo("m5");
        }
    }

    /** Subscribes and never asks for a record: a receiver that is down. */
    static final class DeadSink implements LogSink {
        @Override
        public String name() {
            return "dead";
        }

        @Override
        public String type() {
            return "dead";
        }

        @Override
        public Mono<Void> write(Flux<LogRecord> records) {
            return Mono.create(m -> {
                reactor.core.publisher.BaseSubscriber<LogRecord> idle = new reactor.core.publisher.BaseSubscriber<>() {
                    @Override
                    protected void hookOnSubscribe(org.reactivestreams.Subscription s) {
                        // no demand
                    }
                };
                m.onDispose(idle::dispose);
                records.subscribe(idle);
            });
        }
    }

    @Test
    void recordsNoRouteSelectsAndRecordsABufferDropsDoNotHoldTheSourceBack() throws Exception {
        try (Router router = new Router(Journal.create(TestSpecs.JOURNAL))) {
            Map<LogSink, BufferSpec> sinks = new LinkedHashMap<>();
            sinks.put(new DeadSink(), new BufferSpec(1, 1 << 20, WhenFull.DROP_OLDEST));
            router.startSinks(sinks, List.of(new RouteSpec(null, dev.logrouter.core.route.Glob.compile("svc"), null,
                    null, null, null, List.of("dead"))));
            TrackedSource src = new TrackedSource();
            router.attach(src);
            src.out.tryEmitNext(LogRecord.of(LogRecord.now(), "tracked", "nowhere", "stdout", Level.INFO, "unrouted"));
            await(() -> src.reports.contains("unrouted"));
            for (int i = 1; i <= 5; i++) {
                src.emit("m" + i);
            }
            // m1..m4 were dropped (counted) to make room: done with; m5 waits in the buffer
            await(() -> src.reports.contains("m4"));
            assertThat(src.reports).doesNotContain("m5");
            assertThat(router.buffers().get("dead").dropped()).isEqualTo(4);
        }
    }

    @Test
    void aSinkReplacedByAReloadDropsWhatItHeldAndTheSourceMovesOnButAShutdownDoesNot() throws Exception {
        try (Router router = new Router(Journal.create(TestSpecs.JOURNAL))) {
            Map<LogSink, BufferSpec> sinks = new LinkedHashMap<>();
            sinks.put(new DeadSink(), TestSpecs.BUFFER);
            router.startSinks(sinks, List.of(all("dead")));
            TrackedSource src = new TrackedSource();
            router.attach(src);
            src.emit("m1");
            src.emit("m2");
            await(() -> router.buffers().get("dead").offered() == 2);
            Router.SinkBinding old = router.sinks().get(0);
            router.route(List.of(), List.of());
            router.unbindSink(old, Duration.ofMillis(100));
            await(() -> src.reports.contains("m2"));
            assertThat(old.buffer().dropped()).isEqualTo(2);
        }
        try (Router router = new Router(Journal.create(TestSpecs.JOURNAL))) {
            Map<LogSink, BufferSpec> sinks = new LinkedHashMap<>();
            sinks.put(new DeadSink(), TestSpecs.BUFFER);
            router.startSinks(sinks, List.of(all("dead")));
            TrackedSource src = new TrackedSource();
            router.attach(src);
            src.emit("m1");
            await(() -> router.buffers().get("dead").offered() == 1);
            router.shutdown(Duration.ofMillis(100));
            assertThat(router.buffers().get("dead").dropped()).isEqualTo(1);
            assertThat(src.reports).isEmpty();
        }
    }

    @Test
    void withADiskBufferARecordIsReportedOnceSyncedEvenWhileTheSinkIsDown() throws Exception {
        try (Router router = new Router(Journal.create(TestSpecs.JOURNAL))) {
            CollectingSink down = CollectingSink.confirming("down");
            Map<LogSink, BufferSpec> sinks = new LinkedHashMap<>();
            sinks.put(down, BufferSpec.disk(new DiskSpec(dir, Duration.ofMillis(20), 4096), 1 << 20,
                    WhenFull.BLOCK));
            router.startSinks(sinks, List.of(all("down")));
            TrackedSource src = new TrackedSource();
            router.attach(src);
            List<String> sent = new ArrayList<>();
            for (int i = 1; i <= 50; i++) {
                src.emit("m" + i);
                sent.add("m" + i);
            }
            await(() -> src.reports.contains("m50"));
            assertThat(down.got.stream().filter(r -> !r.isGap()).map(LogRecord::msg).toList())
                    .isEqualTo(sent.subList(0, down.got.size()));
        }
    }
}
