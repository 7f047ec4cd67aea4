package dev.logrouter.sinks.tcp;

import dev.logrouter.sinks.testsupport.TestSpecs;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.JournalSpec;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.route.RouteSpec;
import dev.logrouter.core.router.Router;
import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.sink.SinkBuffer;
import dev.logrouter.core.sink.SinkState;
import dev.logrouter.core.sink.WhenFull;
import dev.logrouter.sinks.encode.EncoderSpec;
import dev.logrouter.sinks.encode.FieldSet;
import dev.logrouter.sinks.encode.Format;
import dev.logrouter.sinks.encode.Framing;
import dev.logrouter.sinks.net.Endpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

class TcpSinkTest {

    static final ObjectMapper JSON = new ObjectMapper();
    private final Scheduler scheduler = Schedulers.newBoundedElastic(8, 10_000, "tcp-sink-test");

    @AfterEach
    void tearDown() {
        scheduler.dispose();
    }

    static EncoderSpec jsonWithCursor() {
        return TestSpecs.encoder(Format.JSON_LINES, FieldSet.TALOS, Map.of(), null, true, null, Framing.LF);
    }

    static TcpSinkSpec spec(int port, Duration writeTimeout) {
        return TestSpecs.tcp("t", new Endpoint("tcp", "127.0.0.1", port), jsonWithCursor(), 256,
                Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(2),
                writeTimeout, -1, null);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static LogRecord record(long cursor) {
        return new LogRecord(cursor, LogRecord.now(), "src", "svc", "stdout", Level.INFO,
                "line " + cursor + " " + "x".repeat(60), Map.of(), LogRecord.Kind.NORMAL);
    }

    static void await(BooleanSupplier cond, Duration max, String what) throws InterruptedException {
        long t0 = System.nanoTime();
        try {
            await0(cond, max, what);
        } finally {
            System.out.println("waited " + (System.nanoTime() - t0) / 1_000_000 + "ms for " + what);
        }
    }

    static void await0(BooleanSupplier cond, Duration max, String what) {
        try {
            org.awaitility.Awaitility.await(what).atMost(max).pollInterval(Duration.ofMillis(10))
                    .until(cond::getAsBoolean);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("timed out waiting for " + what, e);
        }
    }

    /** What a receiver got, split into records and gap records, with duplicates counted. */
    record Received(Map<Long, Integer> byCursor, long total, long duplicates, long gapLost, List<Long> order) {
        static Received of(List<String> lines) throws IOException {
            Map<Long, Integer> by = new LinkedHashMap<>();
            long total = 0;
            long dup = 0;
            long lost = 0;
            Set<String> gaps = new HashSet<>();
            List<Long> order = new java.util.ArrayList<>();
            for (String l : lines) {
                JsonNode n = JSON.readTree(l);
                assertThat(n.isObject()).as("line is one JSON object: %s", l).isTrue();
                if ("logrouter".equals(n.get("talos-service").asText()) && n.has("lost")) {
                    // a gap record re-sent after a reconnect is the same line again
                    if (gaps.add(l)) {
                        lost += n.get("lost").asLong();
                    }
                    continue;
                }
                long c = n.get("cursor").asLong();
                total++;
                order.add(c);
                if (by.merge(c, 1, Integer::sum) > 1) {
                    dup++;
                }
            }
            return new Received(by, total, dup, lost, order);
        }

        static int unique(List<String> lines) {
            try {
                return of(lines).byCursor().size();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Test
    void receiverDownAtStartThenUpGetsEverythingInOrder() throws Exception {
        int port = freePort();
        SinkBuffer buffer = new SinkBuffer("t", TestSpecs.BUFFER, true, scheduler);
        TcpSink sink = new TcpSink(spec(port, Duration.ofSeconds(10)));
        Mono<Void> done = sink.write(buffer.flux()).cache();
        done.subscribe();
        int n = 5000;
        for (int i = 1; i <= n; i++) {
            buffer.offer(record(i));
        }
        await(() -> sink.state().lastError() != null, Duration.ofSeconds(5), "a refused connection");
        assertThat(sink.state().connection()).isIn("down", "connecting");
        try (LineReceiver receiver = new LineReceiver().start(port)) {
            buffer.close();
            done.block(Duration.ofSeconds(20));
            await(() -> receiver.lineCount() >= n, Duration.ofSeconds(10), "all lines");
            Received got = Received.of(receiver.lines());
            assertThat(got.order()).hasSize(n);
            for (int i = 0; i < n; i++) {
                assertThat(got.order().get(i)).isEqualTo(i + 1);
            }
            assertThat(buffer.dropped()).isZero();
            assertThat(sink.state().written()).isEqualTo(n);
            assertThat(sink.state().resent()).isZero();
            assertThat(receiver.fragments.get()).isZero();
        }
    }

    @Test
    void receiverKilledMidStreamAndRestartedLosesNothingBeyondCountedDrops() throws Exception {
        LineReceiver first = new LineReceiver().start(0);
        int port = first.port();
        SinkBuffer buffer = new SinkBuffer("t", new BufferSpec(3000, 64L << 20, WhenFull.DROP_OLDEST), true,
                scheduler);
        TcpSink sink = new TcpSink(spec(port, Duration.ofSeconds(10)));
        Mono<Void> done = sink.write(buffer.flux()).cache();
        done.subscribe();
        int n = 60_000;
        LineReceiver second = new LineReceiver();
        try (first; second) {
            for (int i = 1; i <= n; i++) {
                buffer.offer(record(i));
                if (i % 500 == 0) {
                    Thread.sleep(2);
                }
                if (i == n / 3) {
                    await(() -> first.lineCount() > 1000, Duration.ofSeconds(10), "lines before the kill");
                    first.kill();
                    await(() -> !"up".equals(sink.state().connection()), Duration.ofSeconds(10),
                            "the sink to see its connection broken");
                }
                if (i == n / 2) {
                    second.start(port);
                }
            }
            buffer.close();
            done.block(Duration.ofSeconds(30));
            await(() -> Received.unique(concat(first.lines(), second.lines())) + buffer.dropped() >= n,
                    Duration.ofSeconds(10), "every record not dropped");
            SinkState st = sink.state();
            List<String> all = new java.util.ArrayList<>(first.lines());
            all.addAll(second.lines());
            Received got = Received.of(all);
            // produced == received (unique) + counted drops; duplicates only from counted re-sends
            assertThat(got.byCursor().size() + buffer.dropped()).isEqualTo(n);
            assertThat(got.gapLost()).isEqualTo(buffer.dropped());
            assertThat(got.duplicates()).isLessThanOrEqualTo(st.resent());
            assertThat(st.reconnects()).isGreaterThanOrEqualTo(1);
            assertThat(st.dropped()).isZero();
            assertThat(second.fragments.get()).isZero();
            // the new connection starts with whole records: every line it got parsed above
            assertThat(second.lineCount()).as("second receiver: %s, first got %s lines over %s connections, %s, dropped %s",
                    second.connections.get(), first.lineCount(), first.connections.get(), st, buffer.dropped())
                    .isPositive();
        }
    }

    @Test
    void receiverThatNeverReadsCostsExactDropsAndDoesNotDelayOtherSinksOrTheJournal() throws Exception {
        LineReceiver stuck = new LineReceiver(4096).start(0);
        LineReceiver healthy = new LineReceiver().start(0);
        stuck.pauseReading();
        Journal journal = Journal.create(new JournalSpec(5000, 8L << 20));
        Router router = new Router(journal);
        TcpSink stuckSink = new TcpSink(TestSpecs.tcp("stuck", new Endpoint("tcp", "127.0.0.1", stuck.port()),
                jsonWithCursor(), 256, Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofMillis(200),
                Duration.ofSeconds(2), Duration.ofSeconds(60), -1, null));
        TcpSink healthySink = new TcpSink(TestSpecs.tcp("healthy",
                new Endpoint("tcp", "127.0.0.1", healthy.port()), jsonWithCursor(), 256, null, null, null, null,
                null, -1, null));
        Map<LogSink, BufferSpec> sinks = new LinkedHashMap<>();
        sinks.put(stuckSink, new BufferSpec(1000, 64L << 20, WhenFull.DROP_OLDEST));
        sinks.put(healthySink, TestSpecs.BUFFER);
        router.startSinks(sinks, List.of(new RouteSpec(null, null, null, null, null, null,
                List.of("stuck", "healthy"))));
        int n = 50_000;
        try (stuck; healthy; journal) {
            for (int i = 1; i <= n; i++) {
                router.ingest(LogRecord.of(LogRecord.now(), "src", "svc", "stdout", Level.INFO,
                        "record " + i + " " + "y".repeat(80)));
            }
            // the other sink and the journal kept flowing while this one is stuck
            await(() -> healthy.lineCount() >= n, Duration.ofSeconds(20), "healthy sink to get everything");
            assertThat(journal.stats().appended()).isEqualTo(n);
            SinkBuffer stuckBuffer = router.buffers().get("stuck");
            assertThat(stuckBuffer.dropped()).isPositive();
            assertThat(stuckBuffer.offered()).isEqualTo(n);
            assertThat(router.buffers().get("healthy").dropped()).isZero();

            stuck.resumeReading();
            router.shutdown(Duration.ofSeconds(20));
            await(() -> stuckSink.state().connection().equals("closed"), Duration.ofSeconds(10), "stuck sink drained");
            await(() -> Received.unique(stuck.lines()) + stuckBuffer.dropped() >= n, Duration.ofSeconds(10),
                    "stuck receiver to read everything not dropped");
            Received got = Received.of(stuck.lines());
            assertThat(got.byCursor().size() + stuckBuffer.dropped()).isEqualTo(n);
            assertThat(got.gapLost()).isEqualTo(stuckBuffer.dropped());
            assertThat(got.duplicates()).isZero();
            Received h = Received.of(healthy.lines());
            assertThat(h.byCursor()).hasSize(n);
            assertThat(h.gapLost()).isZero();
        } finally {
            router.close();
        }
    }

    @Test
    void idleCloseByReceiverIsRecoveredQuietlyWithoutDuplicates() throws Exception {
        try (LineReceiver receiver = new LineReceiver().start(0)) {
            receiver.idleClose(600);
            SinkBuffer buffer = new SinkBuffer("t", TestSpecs.BUFFER, true, scheduler);
            TcpSink sink = new TcpSink(spec(receiver.port(), Duration.ofSeconds(10)));
            Mono<Void> done = sink.write(buffer.flux()).cache();
            done.subscribe();
            for (int i = 1; i <= 100; i++) {
                buffer.offer(record(i));
            }
            await(() -> receiver.lineCount() == 100, Duration.ofSeconds(10), "first 100");
            await(() -> receiver.idleClosed.get() == 1, Duration.ofSeconds(10), "idle close");
            // the sink has seen the FIN: it reconnected already, or it no longer counts the connection as up
            await(() -> sink.state().reconnects() == 1 || !"up".equals(sink.state().connection()),
                    Duration.ofSeconds(10), "the sink to see the close: " + sink.state());
            for (int i = 101; i <= 200; i++) {
                buffer.offer(record(i));
            }
            buffer.close();
            done.block(Duration.ofSeconds(10));
            await(() -> receiver.lineCount() == 200, Duration.ofSeconds(10), "second 100");
            Received got = Received.of(receiver.lines());
            assertThat(got.duplicates()).isZero();
            assertThat(got.byCursor()).hasSize(200);
            assertThat(receiver.connections.get()).isEqualTo(2);
            SinkState st = sink.state();
            assertThat(st.reconnects()).isEqualTo(1);
            assertThat(st.resent()).isZero();
            assertThat(st.lastError()).isNull();
        }
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void writeTimeoutAbortsStuckConnectionAndResendsAfterReconnect() throws Exception {
        LineReceiver receiver = new LineReceiver(4096).start(0);
        receiver.pauseReading();
        SinkBuffer buffer = new SinkBuffer("t", TestSpecs.BUFFER, true, scheduler);
        TcpSink sink = new TcpSink(spec(receiver.port(), Duration.ofMillis(300)));
        Mono<Void> done = sink.write(buffer.flux()).cache();
        done.subscribe();
        int n = 20_000;
        try (receiver) {
            for (int i = 1; i <= n; i++) {
                buffer.offer(record(i));
            }
            await(() -> sink.state().reconnects() >= 1, Duration.ofSeconds(10), "a reconnect after write timeout");
            // the timeout's error is cleared by the new connection: status shows no stale error beside "up"
            receiver.resumeReading();
            buffer.close();
            done.block(Duration.ofSeconds(30));
            await(() -> receiver.lineCount() > 0 && Received.unique(receiver.lines()) >= n, Duration.ofSeconds(10),
                    "every record");
            Received got = Received.of(receiver.lines());
            assertThat(got.byCursor()).hasSize(n);
            assertThat(got.duplicates()).isLessThanOrEqualTo(sink.state().resent());
            assertThat(sink.state().resent()).isPositive();
            assertThat(buffer.dropped()).isZero();
        }
    }

    @Test
    void endpointParsing() {
        assertThat(Endpoint.parse("tcp://127.0.0.1:5044/", "tcp")).isEqualTo(new Endpoint("tcp", "127.0.0.1", 5044));
        assertThat(Endpoint.parse("tcp://[::1]:5044", "tcp").host()).isEqualTo("::1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Endpoint.parse("udp://h:1/", "tcp"))
                .hasMessageContaining("tcp://");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Endpoint.parse("tcp://h/", "tcp"))
                .hasMessageContaining("port");
    }
}
