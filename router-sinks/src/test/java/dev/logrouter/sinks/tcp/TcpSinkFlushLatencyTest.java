package dev.logrouter.sinks.tcp;

import dev.logrouter.sinks.testsupport.TestSpecs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.logrouter.core.record.LogRecord;
import dev.logrouter.sinks.net.Endpoint;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Bounded flush latency, on virtual time: a lone record waits exactly flush_interval for its batch. */
class TcpSinkFlushLatencyTest {

    @Test
    void aPartialBatchIsWrittenWhenTheFlushIntervalEndsAndNotBefore() throws Exception {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        try (LineReceiver receiver = new LineReceiver().start(0)) {
            TcpSinkSpec spec = TestSpecs.tcp("t", new Endpoint("tcp", "127.0.0.1", receiver.port()),
                    TcpSinkTest.jsonWithCursor(), 1000, Duration.ofSeconds(5), null, null, null, null, -1, null);
            TcpSink sink = new TcpSink(spec, time);
            Sinks.Many<LogRecord> in = Sinks.many().unicast().onBackpressureBuffer();
            Disposable running = sink.write(in.asFlux()).subscribe();
            try {
                for (int i = 1; i <= 3; i++) {
                    in.tryEmitNext(TcpSinkTest.record(i));
                }
                time.advanceTimeBy(Duration.ofMillis(4999));
                // the batch is still open: nothing may arrive, for a while of real time, not just now
                await("nothing written while the batch is open").during(Duration.ofMillis(300))
                        .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                        .untilAsserted(() -> {
                            assertThat(receiver.lineCount()).isZero();
                            assertThat(sink.state().written()).isZero();
                        });
                time.advanceTimeBy(Duration.ofMillis(1));
                TcpSinkTest.await(() -> receiver.lineCount() == 3, Duration.ofSeconds(10), "the batch");
                assertThat(sink.state().written()).isEqualTo(3);

                // a full batch does not wait for the interval at all
                for (int i = 4; i < 1004; i++) {
                    in.tryEmitNext(TcpSinkTest.record(i));
                }
                TcpSinkTest.await(() -> receiver.lineCount() == 1003, Duration.ofSeconds(10), "a full batch");
            } finally {
                running.dispose();
            }
        } finally {
            time.dispose();
        }
    }
}
