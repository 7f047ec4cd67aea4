package dev.logrouter.bench.framing;

import dev.logrouter.bench.ThreadCpuClock;
import dev.logrouter.core.framing.LineFramer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of {@link LineFramer} over a byte stream read in 64 KiB chunks (what
 * {@code StreamLineReader} reads at a time). One op frames exactly 1 MiB (16 chunks), so the score in
 * ops/s IS MiB/s.
 *
 * <p>The stream is 8 MiB of log-like ASCII lines of {@code lineBytes} bytes including the {@code \n};
 * chunk boundaries fall inside lines, so the pending-line path is exercised as in real reads. Every
 * emitted line is a new String handed to a blackhole, as a source would hand it to a record.
 * {@code lineBytes}: 100 (the SPEC's case), 16384 (long lines, below the 64 KiB default
 * {@code max_line_bytes}), 1048576 (oversized lines, each cut into 16 partial pieces).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class LineFramerBenchmark {

    static final int CHUNK = 64 * 1024;
    static final int CHUNKS_PER_OP = 16;
    static final int STREAM_BYTES = 8 * 1024 * 1024;

    /** Line length in bytes, terminator included. */
    @Param({"100", "16384", "1048576"})
    public int lineBytes;

    /** The framer's {@code max_line_bytes}; 64 KiB is the exec source's default. */
    @Param({"65536"})
    public int maxLineBytes;

    private byte[] stream;
    private LineFramer framer;
    private int offset;
    private long mebibytes;
    private final ThreadCpuClock clock = new ThreadCpuClock();

    @Setup
    public void setUp(Blackhole bh) {
        stream = stream(STREAM_BYTES, lineBytes);
        framer = new LineFramer(maxLineBytes, (line, partial) -> bh.consume(line));
        offset = 0;
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        mebibytes = 0;
        clock.start();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        clock.print("framer", mebibytes, "MiB");
    }

    @Benchmark
    public long oneMiB() {
        byte[] s = stream;
        int off = offset;
        for (int i = 0; i < CHUNKS_PER_OP; i++) {
            framer.feed(s, off, CHUNK);
            off += CHUNK;
            if (off == s.length) {
                off = 0;
            }
        }
        offset = off;
        mebibytes++;
        return framer.emitted();
    }

    /**
     * {@code size} bytes of lines of {@code lineBytes} bytes each ending in {@code \n} (the last one
     * shorter so the stream ends on a newline and wraps around cleanly).
     */
    static byte[] stream(int size, int lineBytes) {
        byte[] out = new byte[size];
        int pos = 0;
        long n = 0;
        while (pos < size) {
            int len = Math.min(lineBytes, size - pos);
            byte[] text = line(n++, len - 1);
            System.arraycopy(text, 0, out, pos, len - 1);
            out[pos + len - 1] = '\n';
            pos += len;
        }
        return out;
    }

    private static byte[] line(long i, int bytes) {
        StringBuilder b = new StringBuilder(Math.min(bytes, 1 << 20) + 64);
        b.append("2026-11-22T02:15:").append(10 + i % 50).append('.').append(100000 + i % 900000)
                .append("Z INFO web-").append(i % 7).append(" GET /api/v1/items/").append(i)
                .append(" status=200 ms=").append(i % 97).append(' ');
        char c = (char) ('a' + (i % 26));
        while (b.length() < bytes) {
            b.append(c);
            c = c == 'z' ? 'a' : (char) (c + 1);
        }
        b.setLength(bytes);
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
