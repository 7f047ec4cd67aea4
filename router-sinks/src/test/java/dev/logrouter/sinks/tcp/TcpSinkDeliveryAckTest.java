package dev.logrouter.sinks.tcp;

import dev.logrouter.sinks.testsupport.TestSpecs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.sink.SinkBuffer;
import dev.logrouter.sinks.net.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The TCP sink's delivery acknowledgements against a real receiver: a record is confirmed once it
 * left the re-send window, and everything at a clean end; nothing while the receiver is down.
 */
class TcpSinkDeliveryAckTest {

    private final Scheduler scheduler = Schedulers.newBoundedElastic(8, 10_000, "tcp-ack-test");

    @AfterEach
    void tearDown() {
        scheduler.dispose();
    }

    private static TcpSinkSpec spec(int port, long resendBytes) {
        return TestSpecs.tcp("t", new Endpoint("tcp", "127.0.0.1", port), TcpSinkTest.jsonWithCursor(), 64,
                Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(2),
                Duration.ofSeconds(10), resendBytes, null);
    }

    @Test
    void recordsAreConfirmedInOrderAsTheyLeaveTheResendWindowAndAllAtACleanEnd() throws Exception {
        try (LineReceiver receiver = new LineReceiver().start(0)) {
            SinkBuffer buffer = new SinkBuffer("t", TestSpecs.BUFFER, true, scheduler);
            TcpSink sink = new TcpSink(spec(receiver.port(), 8 * 1024));
            List<Long> acked = new CopyOnWriteArrayList<>();
            // positions in the buffer's flux: record i is the i-th (no gap records here)
            Mono<Void> done = sink.write(buffer.flux(), acked::add).cache();
            done.subscribe();
            int n = 3000;
            for (int i = 1; i <= n; i++) {
                buffer.offer(TcpSinkTest.record(i));
            }
            TcpSinkTest.await(() -> receiver.lineCount() >= n, Duration.ofSeconds(20), "all lines");
            TcpSinkTest.await(() -> !acked.isEmpty(), Duration.ofSeconds(5), "a confirmation");
            // the newest records are still in the re-send window: not confirmed yet
            long lastWhileOpen = acked.get(acked.size() - 1);
            assertThat(lastWhileOpen).isLessThan(n);
            assertThat(acked).isSorted();

            buffer.close();
            done.block(Duration.ofSeconds(20));
            assertThat(acked.get(acked.size() - 1)).isEqualTo(n);
            assertThat(acked).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void nothingIsConfirmedWhileTheReceiverIsDown() throws Exception {
        int port = TcpSinkTest.freePort();
        SinkBuffer buffer = new SinkBuffer("t", TestSpecs.BUFFER, true, scheduler);
        TcpSink sink = new TcpSink(spec(port, 8 * 1024));
        List<Long> acked = new CopyOnWriteArrayList<>();
        var running = sink.write(buffer.flux(), acked::add).subscribe();
        for (int i = 1; i <= 500; i++) {
            buffer.offer(TcpSinkTest.record(i));
        }
        TcpSinkTest.await(() -> sink.state().reconnects() >= 0 && sink.state().lastError() != null,
                Duration.ofSeconds(5), "a refused connection");
        TcpSinkTest.await(() -> buffer.delivered() > 0, Duration.ofSeconds(5), "records taken by the sink");
        running.dispose(); // a forced stop: what it held is not confirmed
        assertThat(acked).isEmpty();
    }
}
