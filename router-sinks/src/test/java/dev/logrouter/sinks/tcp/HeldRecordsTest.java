package dev.logrouter.sinks.tcp;

import static dev.logrouter.sinks.tcp.TcpSinkTest.await;
import static dev.logrouter.sinks.tcp.TcpSinkTest.freePort;
import static dev.logrouter.sinks.tcp.TcpSinkTest.record;
import static dev.logrouter.sinks.tcp.TcpSinkTest.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.JournalSpec;
import dev.logrouter.core.route.RouteSpec;
import dev.logrouter.core.router.Router;
import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.sink.SinkBuffer;
import dev.logrouter.core.sink.WhenFull;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The buffer bound covers what a TCP sink holds beyond the router's buffer (its batch, prefetch and
 * pending queue): with the receiver down nothing is held outside the bound or uncounted, and a stop
 * reports and counts what was still held.
 */
class HeldRecordsTest {

    @Test
    void receiverDownHoldsAtMostMaxEventsAndDepthCountsAllOfThem() throws Exception {
        int port = freePort(); // nobody listens
        TcpSink sink = new TcpSink(spec(port, Duration.ofSeconds(10)));
        try (Journal journal = Journal.create(new JournalSpec(10_000, 16 << 20))) {
            Router router = new Router(journal);
            try {
                Map<LogSink, BufferSpec> sinks = new LinkedHashMap<>();
                sinks.put(sink, new BufferSpec(100, 64 << 20, WhenFull.DROP_OLDEST));
                router.startSinks(sinks, List.of(new RouteSpec(null, null, null, null, null, null, List.of("t"))));
                int n = 2002;
                for (int i = 1; i <= n; i++) {
                    router.ingest(record(i));
                }
                SinkBuffer buffer = router.buffers().get("t");
                await(() -> sink.state().lastError() != null, Duration.ofSeconds(10), "a refused connection");
                await(() -> buffer.delivered() > 0, Duration.ofSeconds(10), "the sink to take records");
                // every record is delivered, dropped, or held (in the buffer or in the sink's hands)
                assertThat(sink.state().written()).isZero();
                assertThat(buffer.depth() + buffer.dropped()).isEqualTo(n);
                assertThat(buffer.depth()).isLessThanOrEqualTo(100).isGreaterThan(0);
                int held = buffer.depth();

                Map<String, Long> lost = router.shutdown(Duration.ofMillis(300));
                assertThat(lost).containsEntry("t", (long) held);
                assertThat(buffer.depth()).isZero();
                assertThat(buffer.dropped() + sink.state().dropped()).isEqualTo(n);
                assertThat(buffer.droppedShutdown() + sink.state().dropped()).isEqualTo(held);
            } finally {
                router.close();
            }
        }
    }
}
