package dev.logrouter.sinks.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.record.LogRecord;
import dev.logrouter.sinks.net.Endpoint;
import dev.logrouter.sinks.testsupport.TestSpecs;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;

/**
 * The re-send window holds encoded bytes, not records: against a real receiver on loopback, the
 * records are collectable once written although all of them are still in the window, and after a
 * reset the window is written again exactly as it was first written.
 */
class TcpSinkWindowTest {

    private static long cleared(List<WeakReference<LogRecord>> refs) {
        return refs.stream().filter(r -> r.get() == null).count();
    }

    @Test
    void recordsLeaveTheHeapOnceWrittenAndAResetReSendsTheWindowByteForByte() throws Exception {
        try (LineReceiver receiver = new LineReceiver().start(0)) {
            int port = receiver.port();
            // batches of 64; the default window (megabytes) holds every record of this test
            TcpSink sink = new TcpSink(TestSpecs.tcp("t", new Endpoint("tcp", "127.0.0.1", port),
                    TcpSinkTest.jsonWithCursor(), 64, Duration.ofMillis(5), Duration.ofMillis(20),
                    Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(10), -1, null));
            assertThat(sink.spec().resendBytes()).isGreaterThan(4L << 20);
            Sinks.Many<LogRecord> in = Sinks.many().unicast().onBackpressureBuffer();
            Disposable running = sink.write(in.asFlux()).subscribe();
            try {
                int n = 6400;
                List<WeakReference<LogRecord>> refs = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    // a gap record from the buffer among them: its time and text are its own
                    LogRecord r = i == n / 2 ? LogRecord.gap(LogRecord.now(), "buffer t", 3) : TcpSinkTest.record(i);
                    refs.add(new WeakReference<>(r));
                    in.tryEmitNext(r);
                }
                TcpSinkTest.await(() -> receiver.lineCount() == n, Duration.ofSeconds(20), "every line");
                assertThat(sink.state().written()).isEqualTo(n);
                // kept: only the last record of each batch (what the buffer is acknowledged with)
                TcpSinkTest.await(() -> {
                    System.gc();
                    return cleared(refs) >= n * 9 / 10;
                }, Duration.ofSeconds(20), "the written records collected");

                receiver.kill(); // reset: the receiver may not have read what the window holds
                TcpSinkTest.await(() -> !"up".equals(sink.state().connection()), Duration.ofSeconds(10),
                        "the sink to see the reset");
                receiver.start(port);
                in.tryEmitNext(TcpSinkTest.record(n + 1));
                TcpSinkTest.await(() -> receiver.lineCount() == 2 * n + 1, Duration.ofSeconds(20),
                        "the window re-sent, then the new record");
                List<String> lines = receiver.lines();
                assertThat(lines.subList(n, 2 * n)).as("the window re-sent as first written")
                        .isEqualTo(lines.subList(0, n));
                assertThat(lines.get(2 * n)).contains("\"cursor\":" + (n + 1));
                assertThat(sink.state().resent()).isEqualTo(n);
                assertThat(sink.state().written()).isEqualTo(n + 1);
                assertThat(sink.state().dropped()).isZero();
            } finally {
                running.dispose();
            }
        }
    }
}
