package dev.logrouter.sinks.console;

import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.sink.SinkState;
import dev.logrouter.sinks.text.TextEncoder;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Prints records in {@link TextEncoder} form to an output stream (stdout by default).
 *
 * <p>Requests records in batches of 256 and flushes after each batch that leaves the buffer empty,
 * so a blocked terminal only fills this sink's own bounded buffer.
 */
public final class ConsoleSink implements LogSink {

    private final String name;
    private final OutputStream out;
    private final TextEncoder encoder = new TextEncoder();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong writtenBytes = new AtomicLong();
    private volatile String lastError;

    public ConsoleSink(String name) {
        this(name, System.out);
    }

    public ConsoleSink(String name, OutputStream out) {
        this.name = name;
        this.out = out;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "console";
    }

    /** {@code written} counts records handed to the output stream (flushed at the latest 50 ms later). */
    @Override
    public SinkState state() {
        return new SinkState("up", written.get(), dropped.get(), 0, lastError);
    }

    @Override
    public long writtenBytes() {
        return writtenBytes.get();
    }

    @Override
    public boolean tracksSettlement() {
        return true;
    }

    @Override
    public Mono<Void> write(Flux<LogRecord> records) {
        return Mono.defer(() -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
            return records
                    .limitRate(256)
                    .doOnNext(r -> {
                        try {
                            String line = encoder.encode(r);
                            w.write(line);
                            w.write('\n');
                            written.incrementAndGet();
                            writtenBytes.addAndGet(utf8Length(line) + 1);
                        } catch (IOException e) {
                            dropped.incrementAndGet();
                            lastError = "IOException: " + e.getMessage();
                            throw new UncheckedIOException(e);
                        }
                    })
                    .bufferTimeout(256, java.time.Duration.ofMillis(50))
                    .doOnNext(batch -> flush(w))
                    .doFinally(sig -> flush(w))
                    .then();
        });
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static void flush(BufferedWriter w) {
        try {
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
