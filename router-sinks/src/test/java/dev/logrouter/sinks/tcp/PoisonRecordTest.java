package dev.logrouter.sinks.tcp;

import dev.logrouter.sinks.testsupport.TestSpecs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.sink.SinkBuffer;
import dev.logrouter.core.sink.SinkState;
import dev.logrouter.sinks.net.Endpoint;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** A record that makes the receiver drop the connection every time is dropped, counted and announced. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PoisonRecordTest {

    private final Scheduler scheduler = Schedulers.newBoundedElastic(4, 1000, "poison-test");

    @AfterEach
    void tearDown() {
        scheduler.dispose();
    }

    /** Grows whenever the sink writes, reconnects, re-sends or drops. */
    private static long progress(SinkState s) {
        return s.written() + s.reconnects() + s.resent() + s.dropped();
    }

    @Test
    void recordThatBreaksEveryConnectionIsDroppedAfterBoundedRetries() throws Exception {
        ch.qos.logback.classic.Logger log =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(TcpSink.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        log.addAppender(logged);
        try (LineReceiver receiver = new LineReceiver().start(0)) {
            receiver.rejectLinesContaining("POISON");
            SinkBuffer buffer = new SinkBuffer("t", TestSpecs.BUFFER, true, scheduler);
            TcpSink sink = new TcpSink(TestSpecs.tcp("t", new Endpoint("tcp", "127.0.0.1", receiver.port()),
                    TcpSinkTest.jsonWithCursor(), 256, Duration.ofMillis(5), Duration.ofMillis(10),
                    Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ofSeconds(10), -1, null));
            Mono<Void> done = sink.write(buffer.flux()).cache();
            done.subscribe();
            buffer.offer(new LogRecord(1, LogRecord.now(), "src", "svc", "stdout", Level.INFO,
                    "POISON " + "p".repeat(100), Map.of(), LogRecord.Kind.NORMAL));
            int n = 1000;
            int i = 2;
            // a source that keeps producing: each batch finds the broken connection and re-sends; the
            // next record comes once the sink did something with this one (wrote, reconnected, dropped)
            for (; i <= n && sink.state().dropped() == 0; i++) {
                SinkState before = sink.state();
                buffer.offer(TcpSinkTest.record(i));
                await("the sink to act on record " + i).atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(1))
                        .untilAsserted(() -> assertThat(progress(sink.state())).as("%s", sink.state())
                                .isGreaterThan(progress(before)));
            }
            assertThat(sink.state().dropped()).as("poison dropped before the source ran out, %s", sink.state())
                    .isEqualTo(1);
            for (; i <= n; i++) {
                buffer.offer(TcpSinkTest.record(i));
            }
            buffer.close();
            done.block(Duration.ofSeconds(30));
            TcpSinkTest.await(() -> TcpSinkTest.Received.unique(receiver.lines()) >= n - 1, Duration.ofSeconds(10),
                    "every record but the poison");
            TcpSinkTest.Received got = TcpSinkTest.Received.of(receiver.lines());
            SinkState st = sink.state();
            assertThat(got.byCursor()).hasSize(n - 1).doesNotContainKey(1L);
            assertThat(st.dropped()).isEqualTo(1);
            assertThat(got.gapLost()).isEqualTo(1);
            assertThat(receiver.rejected.get()).isEqualTo(TcpSink.POISON_BREAKS);
            assertThat(st.written() + st.dropped()).isEqualTo(n);
            assertThat(got.duplicates()).isLessThanOrEqualTo(st.resent());
            // the router's log names the record by its cursor
            assertThat(logged.list).map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .anyMatch(m -> m.contains("record 1 broke " + TcpSink.POISON_BREAKS + " connections")
                            && m.contains("dropped"));
        } finally {
            log.detachAppender(logged);
        }
    }
}
