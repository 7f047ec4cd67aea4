package dev.logrouter.sinks.tcp;

import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.SinkBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

class TmpThroughputTest {
    @Test
    void run() throws Exception {
        var sched = Schedulers.newBoundedElastic(4, 1000, "x");
        try (LineReceiver r = new LineReceiver().start(0)) {
            for (int round = 0; round < 3; round++) {
                SinkBuffer b = new SinkBuffer("t", BufferSpec.DEFAULT, true, sched);
                TcpSink sink = new TcpSink(TcpSinkSpec.of("t", new dev.logrouter.sinks.net.Endpoint("tcp", "127.0.0.1", r.port()), null));
                Mono<Void> done = sink.write(b.flux()).cache();
                done.subscribe();
                long t0 = System.nanoTime();
                int n = 200_000;
                int base = r.lineCount();
                for (int i = 1; i <= n; i++) {
                    while (b.depth() > 50_000) Thread.onSpinWait();
                    b.offer(TcpSinkTest.record(i));
                }
                b.close();
                done.block(Duration.ofSeconds(60));
                TcpSinkTest.await(() -> r.lineCount() - base >= n, Duration.ofSeconds(60), "all");
                System.out.println("round " + round + ": " + n * 1e9 / (System.nanoTime() - t0) + " rec/s drops=" + b.dropped());
            }
        }
        sched.dispose();
    }
}
