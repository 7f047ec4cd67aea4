package dev.logrouter.bench.sinks;

import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.JournalSpec;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.route.RouteSpec;
import dev.logrouter.core.router.Router;
import dev.logrouter.core.sink.Admission;
import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.DeliveryAck;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.sink.SinkBuffer;
import dev.logrouter.core.sink.WhenFull;
import dev.logrouter.core.source.LogSource;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Records handed from a producer through a {@link SinkBuffer} to its subscriber, the path between a
 * source and a sink's encoder. One op is one record received by the subscriber, so the score is
 * records/s; each invocation moves {@value #N} records and waits until the last one arrived.
 *
 * <p>{@code buffer}: the benchmark thread offers prebuilt records straight to a {@code when_full: block}
 * buffer ({@code max_events} 100000, the config's default), one {@code tryOffer} per record
 * ({@code offer=one}) or 64 per call ({@code offer=batch64}), and parks when the buffer is full until
 * its room callback. The subscriber runs on the buffer's worker, requests 1024 at a time and
 * acknowledges every 256th record, as a sink that writes batches does.
 *
 * <p>{@code router}: the same through the router: a source emitting {@value #N} new 100-byte records
 * on demand on its own thread, journal append, one route, the buffer, and a sink that counts and acknowledges like the
 * subscriber above. Run with {@code -prof gc} for the allocation per record.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SinkHandOffBenchmark {

    static final int N = 100_000;
    private static final int ACK_EVERY = 256;
    private static final String MSG = "x".repeat(100);

    /**
     * Counts records on the buffer's worker and acknowledges every {@value #ACK_EVERY}th; prints the
     * process CPU per record of each iteration.
     */
    public abstract static class Counter {
        volatile long received;
        private long count;

        void take(LogRecord r, DeliveryAck ack) {
            if (++count % ACK_EVERY == 0) {
                ack.delivered(count);
            }
            received = count;
        }

        void await(long target) {
            while (received < target) {
                LockSupport.parkNanos(20_000);
            }
        }

        private long cpuStart;
        private long receivedStart;

        @Setup(org.openjdk.jmh.annotations.Level.Iteration)
        public void startIteration() {
            cpuStart = processCpuNanos();
            receivedStart = received;
        }

        /** Process CPU per record: all threads (producer, worker, GC, JIT), less disturbed by a busy machine than ops/s. */
        @TearDown(org.openjdk.jmh.annotations.Level.Iteration)
        public void endIteration() {
            long n = received - receivedStart;
            if (n > 0) {
                System.out.printf(Locale.ROOT, "%n[cpu] process: %.1f ns CPU per record%n",
                        (double) (processCpuNanos() - cpuStart) / n);
            }
        }

        private static long processCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }
    }

    @State(Scope.Benchmark)
    public static class Direct extends Counter {
        @Param({"one", "batch64"})
        public String offer;

        final LogRecord[] records = new LogRecord[1024];
        Scheduler scheduler;
        SinkBuffer buffer;
        volatile boolean blocked;
        volatile Thread producer;
        final Runnable room = () -> {
            blocked = false;
            LockSupport.unpark(producer);
        };

        @Setup
        public void setUp() {
            for (int i = 0; i < records.length; i++) {
                records[i] = LogRecord.of(LogRecord.now(), "bench", "svc" + (i & 3), "stdout", Level.INFO, MSG);
            }
            scheduler = Schedulers.newBoundedElastic(4, 1000, "bench-sink");
            buffer = new SinkBuffer("bench", new BufferSpec(100_000, 64L << 20, WhenFull.BLOCK), true, scheduler);
            buffer.flux().subscribe(new BaseSubscriber<LogRecord>() {
                int sinceRequest;

                @Override
                protected void hookOnSubscribe(Subscription s) {
                    s.request(1024);
                }

                @Override
                protected void hookOnNext(LogRecord r) {
                    take(r, buffer::ack);
                    if (++sinceRequest == 768) {
                        sinceRequest = 0;
                        request(768);
                    }
                }
            });
        }

        @TearDown
        public void tearDown() {
            buffer.close();
            scheduler.dispose();
        }

        void waitForRoom() {
            while (blocked) {
                LockSupport.park(this);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long buffer(Direct s) {
        s.producer = Thread.currentThread();
        long target = s.received + N;
        if (s.offer.equals("one")) {
            for (int i = 0; i < N; i++) {
                s.blocked = true;
                if (s.buffer.tryOffer(s.records[i & 1023], s.room) == Admission.FULL) {
                    s.waitForRoom();
                    i--;
                } else {
                    s.blocked = false;
                }
            }
        } else {
            for (int i = 0; i < N; ) {
                int from = i & 1023;
                int n = Math.min(64, N - i);
                s.blocked = true;
                int took = s.buffer.tryOffer(s.records, from, from + n, s.room);
                if (took < n) {
                    s.waitForRoom();
                } else {
                    s.blocked = false;
                }
                i += took;
            }
        }
        s.await(target);
        return s.received;
    }

    @State(Scope.Benchmark)
    public static class Routed extends Counter {
        Router router;
        /** The source's own thread, as a source with its event loop or reader thread. */
        Scheduler emitter;

        @Setup
        public void setUp() {
            emitter = Schedulers.newSingle("bench-source");
            router = new Router(Journal.create(new JournalSpec(5000, 8L << 20)));
            LogSink sink = new LogSink() {
                @Override
                public String name() {
                    return "bench";
                }

                @Override
                public String type() {
                    return "count";
                }

                @Override
                public Mono<Void> write(Flux<LogRecord> records) {
                    return write(records, DeliveryAck.NONE);
                }

                @Override
                public Mono<Void> write(Flux<LogRecord> records, DeliveryAck ack) {
                    return records.limitRate(1024).doOnNext(r -> take(r, ack)).then();
                }
            };
            Map<LogSink, BufferSpec> sinks = new LinkedHashMap<>();
            sinks.put(sink, new BufferSpec(100_000, 64L << 20, WhenFull.BLOCK));
            router.startSinks(sinks, List.of(new RouteSpec(null, null, null, null, null, null, List.of("bench"))));
        }

        @TearDown
        public void tearDown() {
            router.close();
            emitter.dispose();
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long router(Routed s) {
        long target = s.received + N;
        LogSource source = new LogSource() {
            @Override
            public String name() {
                return "bench";
            }

            @Override
            public String type() {
                return "bench";
            }

            @Override
            public Flux<LogRecord> records() {
                return Flux.range(0, N).map(i -> LogRecord.of(LogRecord.now(), "bench", "svc", "stdout", Level.INFO, MSG))
                        .subscribeOn(s.emitter);
            }
        };
        Router.SourceBinding b = s.router.attach(source);
        s.await(target);
        s.router.detach(b);
        return s.received;
    }
}
