package dev.logrouter.app.packaging;

import dev.logrouter.core.sink.WhenFull;
import dev.logrouter.sinks.encode.FieldSet;
import dev.logrouter.sinks.encode.Format;
import dev.logrouter.sinks.encode.Framing;
import java.util.List;
import java.util.Map;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.SinkBuffer;
import dev.logrouter.core.sink.SinkState;
import dev.logrouter.sinks.encode.EncoderSpec;
import dev.logrouter.sinks.net.Endpoint;
import dev.logrouter.sinks.tcp.TcpSink;
import dev.logrouter.sinks.tcp.TcpSinkSpec;
import dev.logrouter.sinks.tcp.TlsSpec;
import java.nio.file.Path;
import java.time.Duration;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Run by the jlinked runtime under test: the real TCP sink, with TLS verifying the receiver's
 * certificate (the PEM file {@code ca}, naming 127.0.0.1), writes one record {@code MESSAGE} to
 * {@code host port}. Prints {@code ok} and exits 0 once the record is written, or prints the sink's
 * last error and exits 1 when it is not written within 20 s.
 */
public final class TlsProbe {

    private TlsProbe() {
    }

    public static void main(String[] args) throws Exception {
        TcpSinkSpec spec = new TcpSinkSpec("probe", new Endpoint("tcp", args[0], Integer.parseInt(args[1])),
                new EncoderSpec(Format.JSON_LINES, FieldSet.TALOS, Map.of(), null, false, "user", Framing.LF, List.of()),
                1024, Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(5),
                Duration.ofSeconds(30), 4L << 20, new TlsSpec(Path.of(args[2]), null, null, true));
        TcpSink sink = new TcpSink(spec);
        Scheduler scheduler = Schedulers.newBoundedElastic(2, 100, "probe");
        SinkBuffer buffer = new SinkBuffer("probe", new BufferSpec(1000, 1L << 20, WhenFull.DROP_OLDEST), true, scheduler);
        Mono<Void> done = sink.write(buffer.flux()).cache();
        Disposable running = done.subscribe(v -> { }, e -> { });
        buffer.offer(LogRecord.of(LogRecord.now(), "probe", "probe", "stdout", Level.INFO, args[3]));
        // a closed buffer lets the sink drain and end: its end is the signal that the record went out
        buffer.close();
        try {
            done.block(Duration.ofSeconds(20));
        } catch (RuntimeException notDrained) {
            // reported below from the sink's state
        }
        SinkState st = sink.state();
        running.dispose();
        scheduler.dispose();
        if (st.written() >= 1) {
            System.out.println("ok");
            System.exit(0);
        }
        System.out.println("failed: " + st.lastError());
        System.exit(1);
    }
}
