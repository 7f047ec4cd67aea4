package dev.logrouter.sinks.tcp;

import dev.logrouter.sinks.testsupport.TestSpecs;
import static dev.logrouter.sinks.tcp.TcpSinkTest.await;
import static dev.logrouter.sinks.tcp.TcpSinkTest.freePort;
import static dev.logrouter.sinks.tcp.TcpSinkTest.record;
import static dev.logrouter.sinks.tcp.TcpSinkTest.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.sink.SinkBuffer;
import dev.logrouter.core.sink.SinkState;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** What {@code status} shows of a TCP sink after the receiver comes up, and after an idle close. */
class SinkStateReportTest {

    private final Scheduler scheduler = Schedulers.newBoundedElastic(4, 1000, "state-test");

    @AfterEach
    void tearDown() {
        scheduler.dispose();
    }

    @Test
    void afterTheReceiverComesUpTheStateIsUpWithAReconnectAndNoStaleError() throws Exception {
        int port = freePort();
        SinkBuffer buffer = new SinkBuffer("t", TestSpecs.BUFFER, true, scheduler);
        TcpSink sink = new TcpSink(spec(port, Duration.ofSeconds(10)));
        Disposable running = sink.write(buffer.flux()).subscribe();
        try {
            buffer.offer(record(1));
            await(() -> sink.state().lastError() != null, Duration.ofSeconds(10), "a refused connection");
            try (LineReceiver receiver = new LineReceiver().start(port)) {
                await(() -> receiver.lineCount() >= 1, Duration.ofSeconds(10), "the line");
                SinkState s = sink.state();
                assertThat(s.connection()).isEqualTo("up");
                assertThat(s.reconnects()).isEqualTo(1);
                assertThat(s.lastError()).isNull();
            }
        } finally {
            running.dispose();
        }
    }

    @Test
    void anIdleCloseByTheReceiverIsIdleNotDown() throws Exception {
        try (LineReceiver receiver = new LineReceiver()) {
            receiver.idleClose(300);
            receiver.start(0);
            SinkBuffer buffer = new SinkBuffer("t", TestSpecs.BUFFER, true, scheduler);
            TcpSink sink = new TcpSink(spec(receiver.port(), Duration.ofSeconds(10)));
            Disposable running = sink.write(buffer.flux()).subscribe();
            try {
                buffer.offer(record(1));
                await(() -> receiver.idleClosed.get() == 1, Duration.ofSeconds(10), "the idle close");
                await(() -> !"up".equals(sink.state().connection()), Duration.ofSeconds(10), "the close seen");
                assertThat(sink.state().connection()).isEqualTo("idle");
                assertThat(sink.state().lastError()).isNull();
            } finally {
                running.dispose();
            }
        }
    }
}
