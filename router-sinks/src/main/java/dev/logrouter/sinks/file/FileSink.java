package dev.logrouter.sinks.file;

import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.sink.Batching;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.sink.SinkCounters;
import dev.logrouter.sinks.encode.EncodedBuffer;
import dev.logrouter.sinks.encode.FramedEncoder;
import dev.logrouter.sinks.encode.RecordEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Appends records, one line each, to files named by a {@link PathTemplate}.
 *
 * <p>Rotation: before a write would take a file past {@code rotate.max_bytes}, the file is renamed to
 * {@code NAME.1} (older ones shift to {@code .2} ... {@code .keep}, the oldest is deleted) and a new one
 * is started; a file is never cut inside a record. Flushing: records are written in batches of up to
 * 512 and every file touched by a batch is flushed when the batch ends, a batch ends at the latest
 * {@code flush_interval} after its first record. Backpressure: one batch at a time is requested from
 * the sink's buffer, so a slow disk only fills that buffer. Errors (disk full, permissions) drop the
 * affected records, count them and keep the sink running. No file is opened and nothing is requested
 * before the {@link Mono} of {@link #write} is subscribed; nothing is replayed.
 */
public final class FileSink implements LogSink {

    private final FileSinkSpec spec;
    private final PathTemplate template;
    private final SinkCounters counters = new SinkCounters();
    private final AtomicLong rotations = counters.own().unlisted("rotations");

    public FileSink(FileSinkSpec spec) {
        this.spec = spec;
        this.template = PathTemplate.parse(spec.path());
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public String type() {
        return "file";
    }

    /** Files rotated so far. */
    public long rotations() {
        return rotations.get();
    }

    @Override
    public SinkCounters counters() {
        return counters;
    }

    @Override
    public Mono<Void> write(Flux<LogRecord> records) {
        return Mono.defer(() -> {
            OpenFiles files = new OpenFiles();
            counters.connection("up");
            return new Batching(512, spec.flushInterval()).batches(records, Schedulers.parallel())
                    .concatMap(batch -> Mono.fromRunnable(() -> files.write(batch))
                            .subscribeOn(Schedulers.boundedElastic()), 1)
                    // close (and flush) before completion is signalled, so a caller that saw the sink
                    // complete finds every record in its file
                    .then(Mono.<Void>fromRunnable(() -> {
                        files.closeAll();
                        counters.connection("closed");
                    }))
                    .doFinally(sig -> {
                        if (sig != reactor.core.publisher.SignalType.ON_COMPLETE) {
                            files.closeAll();
                            counters.connection("stopped");
                        }
                    });
        });
    }

    /** An open file and its size. */
    private static final class OpenFile {
        final Path path;
        OutputStream out;
        long size;
        boolean dirty;

        OpenFile(Path path) {
            this.path = path;
        }
    }

    /** The files of one {@link #write} call; used by one batch at a time. */
    private final class OpenFiles {
        final FramedEncoder encoder = spec.encoder().newFramedEncoder();
        final EncodedBuffer buf = new EncodedBuffer(8192);
        final LinkedHashMap<Path, OpenFile> open = new LinkedHashMap<>(16, 0.75f, true);

        void write(List<LogRecord> batch) {
            List<OpenFile> touched = new ArrayList<>();
            for (LogRecord r : batch) {
                try {
                    Path p = template.resolve(r);
                    buf.reset();
                    try {
                        encoder.append(r, buf);
                    } catch (RuntimeException bad) {
                        counters.encodeFailed(RecordEncoder.failure(r, bad));
                        continue;
                    }
                    OpenFile f = file(p);
                    if (spec.rotateBytes() > 0 && f.size > 0 && f.size + buf.size() > spec.rotateBytes()) {
                        rotate(f);
                    }
                    f.out.write(buf.array(), 0, buf.size());
                    f.size += buf.size();
                    if (!f.dirty) {
                        f.dirty = true;
                        touched.add(f);
                    }
                    counters.addWritten(1);
                    counters.addWrittenBytes(buf.size());
                } catch (IOException | RuntimeException e) {
                    counters.addDropped(1);
                    counters.error(e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
            for (OpenFile f : touched) {
                f.dirty = false;
                try {
                    if (f.out != null) {
                        f.out.flush();
                    }
                } catch (IOException e) {
                    counters.error("flush " + f.path + ": " + e.getMessage());
                }
            }
        }

        private OpenFile file(Path p) throws IOException {
            OpenFile f = open.get(p);
            if (f != null && f.out != null) {
                return f;
            }
            if (open.size() >= spec.maxOpenFiles()) {
                Iterator<Map.Entry<Path, OpenFile>> it = open.entrySet().iterator();
                OpenFile eldest = it.next().getValue();
                it.remove();
                close(eldest);
            }
            f = new OpenFile(p);
            openStream(f);
            open.put(p, f);
            return f;
        }

        private void openStream(OpenFile f) throws IOException {
            java.nio.file.Files.createDirectories(f.path.getParent());
            f.out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(f.path,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE), 64 * 1024);
            f.size = java.nio.file.Files.size(f.path);
        }

        /** NAME -> NAME.1 -> NAME.2 ... -> NAME.keep (deleted beyond). */
        private void rotate(OpenFile f) throws IOException {
            close(f);
            String base = f.path.getFileName().toString();
            Path dir = f.path.getParent();
            int keep = spec.keep();
            if (keep == 0) {
                java.nio.file.Files.deleteIfExists(f.path);
            } else {
                java.nio.file.Files.deleteIfExists(dir.resolve(base + "." + keep));
                for (int i = keep - 1; i >= 1; i--) {
                    try {
                        java.nio.file.Files.move(dir.resolve(base + "." + i), dir.resolve(base + "." + (i + 1)),
                                StandardCopyOption.REPLACE_EXISTING);
                    } catch (NoSuchFileException absent) {
                        // fewer rotated files than keep so far
                    }
                }
                java.nio.file.Files.move(f.path, dir.resolve(base + ".1"), StandardCopyOption.REPLACE_EXISTING);
            }
            rotations.incrementAndGet();
            openStream(f);
        }

        private void close(OpenFile f) {
            if (f.out == null) {
                return;
            }
            try {
                f.out.close();
            } catch (IOException e) {
                counters.error("close " + f.path + ": " + e.getMessage());
            }
            f.out = null;
        }

        void closeAll() {
            for (OpenFile f : open.values()) {
                close(f);
            }
            open.clear();
        }
    }
}
