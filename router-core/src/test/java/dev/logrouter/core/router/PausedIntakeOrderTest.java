package dev.logrouter.core.router;

import static dev.logrouter.core.testsupport.Conditions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.route.Glob;
import dev.logrouter.core.route.RouteSpec;
import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.DeliveryAck;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.sink.WhenFull;
import dev.logrouter.core.source.DeliveryReport;
import dev.logrouter.core.source.LogSource;
import dev.logrouter.core.testsupport.TestSpecs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.RepeatedTest;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A source's records routed to three sinks while a {@code when_full: block} buffer with a slow sink fills
 * again and again (each time pausing the source, with records of a batch in hand): every sink still gets
 * the source's records once each and in order, and the delivery reports come in order too.
 */
class PausedIntakeOrderTest {

    /** Keeps what it is given, a few at a time with short stalls, and acknowledges each. */
    static final class SlowSink implements LogSink {
        final List<Integer> got = new CopyOnWriteArrayList<>();
        private final String name;

        SlowSink(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String type() {
            return "slow";
        }

        @Override
        public Mono<Void> write(Flux<LogRecord> records) {
            return write(records, DeliveryAck.NONE);
        }

        @Override
        public Mono<Void> write(Flux<LogRecord> records, DeliveryAck ack) {
            return records.limitRate(8).doOnNext(r -> {
                got.add(Integer.parseInt(r.msg()));
                if (got.size() % 64 == 0) {
                    LockSupport.parkNanos(20_000);
                }
                ack.delivered(got.size());
            }).then();
        }
    }

    private static RouteSpec to(String service, String... sinks) {
        return new RouteSpec(null, Glob.compile(service), null, null, null, null, List.of(sinks));
    }

    @RepeatedTest(4)
    void aBlockSinkFullInTheMiddleOfABatchPausesTheSourceAndEverySinkGetsItsRecordsInOrderOnce() throws Exception {
        int n = 30_000;
        Scheduler emitter = Schedulers.newSingle("paused-intake-test");
        try (Router router = new Router(Journal.create(TestSpecs.JOURNAL))) {
            SlowSink blocking = new SlowSink("blocking");
            SlowSink all = new SlowSink("all");
            SlowSink odd = new SlowSink("odd");
            Map<LogSink, BufferSpec> sinks = new LinkedHashMap<>();
            // the blocking sink comes second: copies to the first sink are offered before it fills
            sinks.put(all, new BufferSpec(100_000, 1 << 26, WhenFull.DROP_NEWEST));
            sinks.put(blocking, new BufferSpec(7, 1 << 20, WhenFull.BLOCK));
            sinks.put(odd, new BufferSpec(100_000, 1 << 26, WhenFull.DROP_NEWEST));
            router.startSinks(sinks, List.of(to("even", "all", "blocking"), to("odd", "all", "odd")));
            List<Integer> reports = new CopyOnWriteArrayList<>();
            AtomicInteger emitted = new AtomicInteger();
            LogSource src = new LogSource() {
                @Override
                public String name() {
                    return "src";
                }

                @Override
                public String type() {
                    return "test";
                }

                @Override
                public Flux<LogRecord> records() {
                    return Flux.range(0, n).map(i -> {
                        emitted.incrementAndGet();
                        return LogRecord.of(LogRecord.now(), "src", i % 2 == 0 ? "even" : "odd", "stdout", Level.INFO,
                                Integer.toString(i));
                    }).subscribeOn(emitter);
                }

                @Override
                public DeliveryReport trackDelivery() {
                    return r -> reports.add(Integer.parseInt(r.msg()));
                }
            };
            router.attach(src);
            await(() -> all.got.size() == n && blocking.got.size() == n / 2 && odd.got.size() == n / 2,
                    Duration.ofSeconds(40), () -> "all " + all.got.size() + ", blocking " + blocking.got.size()
                            + ", odd " + odd.got.size());
            List<Integer> evens = new ArrayList<>();
            List<Integer> odds = new ArrayList<>();
            List<Integer> every = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                every.add(i);
                (i % 2 == 0 ? evens : odds).add(i);
            }
            assertThat(all.got).isEqualTo(every);
            assertThat(blocking.got).isEqualTo(evens);
            assertThat(odd.got).isEqualTo(odds);
            for (var b : router.buffers().values()) {
                assertThat(b.dropped()).as(b.name()).isZero();
            }
            await(() -> !reports.isEmpty() && reports.get(reports.size() - 1) == n - 1);
            for (int i = 1; i < reports.size(); i++) {
                assertThat(reports.get(i)).isGreaterThan(reports.get(i - 1));
            }
            assertThat(emitted.get()).isEqualTo(n);
        } finally {
            emitter.dispose();
        }
    }
}
