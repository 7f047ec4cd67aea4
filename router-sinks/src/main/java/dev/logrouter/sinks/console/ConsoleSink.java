package dev.logrouter.sinks.console;

import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.sink.SinkCounters;
import dev.logrouter.sinks.encode.EncodedBuffer;
import dev.logrouter.sinks.encode.EncoderSpec;
import dev.logrouter.sinks.encode.Format;
import dev.logrouter.sinks.encode.RecordEncoder;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Prints records, one line each, to an output stream (stdout by default), in the encoder's form:
 * {@code text} by default, {@code logread} for memlogd's console echo ({@code time;source;msg}).
 *
 * <p>Requests records in batches of 256 and flushes after each batch that leaves the buffer empty,
 * so a blocked terminal only fills this sink's own bounded buffer.
 */
public final class ConsoleSink implements LogSink {

    private final String name;
    private final OutputStream out;
    private final EncoderSpec encoding;
    /** {@code written} counts records handed to the output stream (flushed at the latest 50 ms later). */
    private final SinkCounters counters = new SinkCounters("up", UnaryOperator.identity());

    public ConsoleSink(String name) {
        this(name, System.out);
    }

    public ConsoleSink(String name, OutputStream out) {
        this(name, out, EncoderSpec.of(Format.TEXT));
    }

    public ConsoleSink(String name, OutputStream out, EncoderSpec encoding) {
        this.name = name;
        this.out = out;
        this.encoding = encoding;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "console";
    }

    @Override
    public SinkCounters counters() {
        return counters;
    }

    @Override
    public Mono<Void> write(Flux<LogRecord> records) {
        return Mono.defer(() -> {
            BufferedOutputStream w = new BufferedOutputStream(out, 64 * 1024);
            RecordEncoder encoder = encoding.newEncoder();
            EncodedBuffer line = new EncodedBuffer(1024);
            return records
                    .limitRate(256)
                    .doOnNext(r -> {
                        if (encoder.skips(r)) {
                            counters.addSkipped();
                            return;
                        }
                        line.reset();
                        try {
                            encoder.encode(r, line);
                        } catch (RuntimeException bad) {
                            counters.encodeFailed(RecordEncoder.failure(r, bad));
                            return;
                        }
                        line.write('\n');
                        try {
                            w.write(line.array(), 0, line.size());
                            counters.addWritten(1);
                            counters.addWrittenBytes(line.size());
                        } catch (IOException e) {
                            counters.addDropped(1);
                            counters.error("IOException: " + e.getMessage());
                            throw new UncheckedIOException(e);
                        }
                    })
                    .bufferTimeout(256, java.time.Duration.ofMillis(50))
                    .doOnNext(batch -> flush(w))
                    .doFinally(sig -> flush(w))
                    .then();
        });
    }

    private static void flush(OutputStream w) {
        try {
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
