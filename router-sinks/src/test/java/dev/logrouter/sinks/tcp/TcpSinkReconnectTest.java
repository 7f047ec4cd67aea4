package dev.logrouter.sinks.tcp;

import dev.logrouter.sinks.testsupport.TestSpecs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.sinks.net.Endpoint;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Reconnect backoff on virtual time against real sockets: delays stay within backoff_min..backoff_max,
 * double per failed attempt up to the cap, are jittered, and start again at backoff_min after a
 * connection succeeds.
 */
class TcpSinkReconnectTest {

    private static final Duration MIN = Duration.ofSeconds(1);
    private static final Duration MAX = Duration.ofSeconds(8);
    /** Far from any backoff delay, so the write timeouts asked of the timer are told apart from them. */
    private static final Duration WRITE_TIMEOUT = Duration.ofHours(1);

    private final DelayLog time = new DelayLog();

    @AfterEach
    void tearDown() {
        time.dispose();
    }

    private static TcpSinkSpec spec(int port, int batchEvents) {
        return TestSpecs.tcp("t", new Endpoint("tcp", "127.0.0.1", port), TcpSinkTest.jsonWithCursor(), batchEvents,
                Duration.ofMillis(5), MIN, MAX, Duration.ofSeconds(2), WRITE_TIMEOUT, 64 * 1024, null);
    }

    /** Where reactor's exponential backoff with jitter 0.5 may put attempt {@code n}: base ± 50%, within [min, max]. */
    private static void assertWithinBackoff(Duration d, int n) {
        Duration base = MIN.multipliedBy(1L << Math.min(n, 20));
        base = base.compareTo(MAX) > 0 ? MAX : base;
        Duration low = base.dividedBy(2).compareTo(MIN) < 0 ? MIN : base.dividedBy(2);
        Duration high = base.multipliedBy(3).dividedBy(2).compareTo(MAX) > 0 ? MAX : base.multipliedBy(3).dividedBy(2);
        assertThat(d).as("delay before attempt %d", n + 1).isBetween(low, high).isBetween(MIN, MAX);
    }

    @Test
    void refusedConnectsBackOffDoublingWithinMinAndMaxThenConnectAndStartAgainAtMin() throws Exception {
        int port = TcpSinkTest.freePort();
        TcpSink sink = new TcpSink(spec(port, 1), time); // batches of one: no flush interval to wait for
        Sinks.Many<LogRecord> in = Sinks.many().unicast().onBackpressureBuffer();
        Disposable running = sink.write(in.asFlux()).subscribe();
        try (LineReceiver receiver = new LineReceiver()) {
            in.tryEmitNext(TcpSinkTest.record(1));
            int failures = 7;
            for (int n = 0; n < failures; n++) {
                int attempts = n + 1;
                await("connect attempt " + attempts + " refused and its backoff armed").atMost(Duration.ofSeconds(20))
                        .until(() -> time.backoffs().size() == attempts);
                assertThat(sink.state().connection()).isEqualTo("down");
                assertThat(sink.state().lastError()).isNotNull();
                Duration d = time.backoffs().get(n);
                assertWithinBackoff(d, n);
                if (n < failures - 1) {
                    time.advanceTimeBy(d);
                }
            }
            List<Duration> delays = time.backoffs();
            // jitter: at the cap (attempts 4..7) the delays are spread over [max/2, max), not all the same
            assertThat(new HashSet<>(delays.subList(3, failures))).hasSizeGreaterThan(1);

            receiver.start(port);
            Duration last = delays.get(failures - 1);
            time.advanceTimeBy(last.minusMillis(1));
            await("no attempt before the delay ends").during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(10))
                    .until(() -> receiver.connections.get() == 0);
            time.advanceTimeBy(Duration.ofMillis(1));
            await("the record, once the receiver listens").atMost(Duration.ofSeconds(20))
                    .until(() -> receiver.lineCount() == 1);
            assertThat(sink.state().connection()).isEqualTo("up");
            assertThat(sink.state().lastError()).isNull();
            assertThat(sink.state().reconnects()).isEqualTo(1);
            assertThat(time.backoffs()).hasSize(failures);

            // the receiver goes away: the next failed attempt waits backoff_min again, not the cap
            receiver.kill();
            await("the sink saw the connection break").atMost(Duration.ofSeconds(20))
                    .until(() -> !sink.state().connection().equals("up"));
            in.tryEmitNext(TcpSinkTest.record(2));
            await("the first refused reconnect").atMost(Duration.ofSeconds(20))
                    .until(() -> time.backoffs().size() == failures + 1);
            assertWithinBackoff(time.backoffs().get(failures), 0);
        } finally {
            running.dispose();
        }
    }

    @Test
    void aConnectionThatSucceedsResetsTheBackoffEvenWhenItsWriteThenFails() throws Exception {
        // the receiver accepts but never reads: every write of a batch far bigger than both socket
        // buffers stalls until the (virtual) write timeout aborts it, within one batch's retries
        try (LineReceiver receiver = new LineReceiver(4096).start(0)) {
            receiver.pauseReading();
            TcpSink sink = new TcpSink(spec(receiver.port(), 500), time);
            Sinks.Many<LogRecord> in = Sinks.many().unicast().onBackpressureBuffer();
            Disposable running = sink.write(in.asFlux()).subscribe();
            try {
                for (int i = 1; i <= 500; i++) { // 500 records of 4 KiB: 2 MiB in one batch
                    in.tryEmitNext(new LogRecord(i, LogRecord.now(), "src", "svc", "stdout", Level.INFO,
                            "line " + i + " " + "x".repeat(4096), Map.of(), LogRecord.Kind.NORMAL));
                }
                for (int n = 0; n < 5; n++) {
                    int connections = n + 1;
                    await("connection " + connections + " writing").atMost(Duration.ofSeconds(20))
                            .until(() -> receiver.connections.get() == connections
                                    && time.writeTimeouts() == connections);
                    time.advanceTimeBy(WRITE_TIMEOUT);
                    await("write timeout " + connections + " and its backoff armed").atMost(Duration.ofSeconds(20))
                            .until(() -> time.backoffs().size() == connections);
                    assertThat(sink.state().lastError()).contains("Timeout");
                    // each failure follows a successful connection: always the first delay, never growing
                    Duration d = time.backoffs().get(n);
                    assertWithinBackoff(d, 0);
                    time.advanceTimeBy(d);
                }
                assertThat(sink.state().reconnects()).isGreaterThanOrEqualTo(4);
            } finally {
                running.dispose();
            }
        }
    }

    /**
     * A virtual-time scheduler that notes every delay it is asked for: the sink asks its timer for
     * reconnect delays and write timeouts ({@code Mono.delay}, {@code timeout}); batch flushes use a
     * worker and are not noted.
     */
    private static final class DelayLog implements Scheduler {
        private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
        private final List<Duration> delays = new CopyOnWriteArrayList<>();

        List<Duration> backoffs() {
            return delays.stream().filter(d -> !d.equals(WRITE_TIMEOUT)).toList();
        }

        long writeTimeouts() {
            return delays.stream().filter(WRITE_TIMEOUT::equals).count();
        }

        void advanceTimeBy(Duration d) {
            time.advanceTimeBy(d);
        }

        @Override
        public Disposable schedule(Runnable task) {
            return time.schedule(task);
        }

        @Override
        public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
            delays.add(Duration.ofNanos(unit.toNanos(delay)));
            return time.schedule(task, delay, unit);
        }

        @Override
        public Worker createWorker() {
            return time.createWorker();
        }

        @Override
        public long now(TimeUnit unit) {
            return time.now(unit);
        }

        @Override
        public void dispose() {
            time.dispose();
        }
    }
}
