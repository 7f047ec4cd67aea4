package dev.logrouter.core.framing;

import dev.logrouter.core.record.LogRecord;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * Reads a blocking {@link InputStream} to EOF on the calling thread and frames it into lines. A
 * pending unterminated line is flushed as partial at EOF and once no byte has arrived for
 * {@code idleFlush} (checked on {@code timer}, so a virtual-time scheduler drives it in tests).
 */
public final class StreamLineReader {

    /** Receives framed lines with the wall-clock time their bytes were read. */
    @FunctionalInterface
    public interface LineConsumer {
        /**
         * @param line     as {@link LineFramer.LineConsumer#accept} has it
         * @param partial  as {@link LineFramer.LineConsumer#accept} has it
         * @param readTime epoch nanoseconds of the read that completed the line ({@code LogRecord.now()}),
         *                 taken once per read: a clock call per line was a visible share of a pipe's cost
         */
        void accept(byte[] line, boolean partial, long readTime);
    }

    private final LineFramer framer;
    /** Written and read under the framer's monitor, like the framer itself. */
    private long readTime;
    private final Duration idleFlush;
    private final Scheduler timer;
    private volatile long lastData;

    public StreamLineReader(int maxLineBytes, Duration idleFlush, Scheduler timer, LineConsumer consumer) {
        this.framer = new LineFramer(maxLineBytes, (line, partial) -> consumer.accept(line, partial, readTime));
        this.idleFlush = idleFlush;
        this.timer = timer;
    }

    /**
     * Reads until EOF or an I/O error, then flushes.
     *
     * @return total bytes read
     * @throws IOException when reading fails (what was read is still flushed)
     */
    public long readToEnd(InputStream in) throws IOException {
        long total = 0;
        Disposable idle = scheduleIdleCheck();
        byte[] buf = new byte[64 * 1024];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (n == 0) {
                    continue;
                }
                total += n;
                synchronized (framer) {
                    lastData = timer.now(TimeUnit.NANOSECONDS);
                    readTime = LogRecord.now();
                    framer.feed(buf, 0, n);
                }
            }
        } finally {
            idle.dispose();
            synchronized (framer) {
                framer.flush();
            }
        }
        return total;
    }

    private Disposable scheduleIdleCheck() {
        if (idleFlush.isZero() || idleFlush.isNegative()) {
            return () -> { };
        }
        long period = Math.max(1, idleFlush.toNanos() / 2);
        return timer.schedulePeriodically(() -> {
            synchronized (framer) {
                if (framer.hasPending() && timer.now(TimeUnit.NANOSECONDS) - lastData >= idleFlush.toNanos()) {
                    framer.flush();
                }
            }
        }, period, period, TimeUnit.NANOSECONDS);
    }
}
