package dev.logrouter.sinks.console;

import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.sink.Batching;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.sink.SinkCounters;
import dev.logrouter.sinks.encode.EncodedBuffer;
import dev.logrouter.sinks.encode.EncoderSpec;
import dev.logrouter.sinks.encode.RecordEncoder;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Prints records, one line each, to an output stream (stdout by default), in the encoder's form:
 * {@code text} by default, {@code logread} for memlogd's console echo ({@code time;source;msg}).
 *
 * <p>Requests records in batches of 256 and flushes after each batch that leaves the buffer empty,
 * so a blocked terminal only fills this sink's own bounded buffer.
 */
public final class ConsoleSink implements LogSink {

    /** A terminal wants lines soon; 256 records or 50 ms, whichever comes first. */
    private static final Batching BATCHING = new Batching(256, java.time.Duration.ofMillis(50));

    private final String name;
    private final OutputStream out;
    private final EncoderSpec encoding;
    /** {@code written} counts records handed to the output stream (flushed at the latest 50 ms later). */
    private final SinkCounters counters = new SinkCounters("up", UnaryOperator.identity());

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
            // writing to a terminal or pipe blocks: batches are written off the timer's thread
            return BATCHING.batches(records, Schedulers.parallel())
                    .concatMap(batch -> Mono.fromRunnable(() -> {
                        for (LogRecord r : batch) {
                            writeOne(r, encoder, line, w);
                        }
                        flush(w);
                    }).subscribeOn(Schedulers.boundedElastic()), 1)
                    .doFinally(sig -> flush(w))
                    .then();
        });
    }

    private void writeOne(LogRecord r, RecordEncoder encoder, EncodedBuffer line, OutputStream w) {
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
    }

    private static void flush(OutputStream w) {
        try {
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
