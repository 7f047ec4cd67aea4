package dev.logrouter.bench.encode;

import dev.logrouter.bench.ThreadCpuClock;
import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.sinks.encode.EncodedBuffer;
import dev.logrouter.sinks.encode.JsonLinesEncoder;
import java.util.Map;
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

/**
 * Talos {@code json_lines} encoding of one record ({@link JsonLinesEncoder}, the TCP sink's default
 * format), into a reused buffer as the sink encodes a batch. One op is one record, so with
 * {@code -prof gc} {@code gc.alloc.rate.norm} is the encoder's allocation per record.
 *
 * <p>{@code shape}: {@code plain} a 100-byte ASCII line with no fields (exec source);
 * {@code peer} the same line with the {@code peer} field the tcp source adds;
 * {@code memlogd} with the {@code memlogd_name} field of the fd socket source (left out of the
 * output); {@code json} a zap-style JSON line whose keys are extracted as Talos does.
 *
 * <p>Each iteration also prints records per CPU-second of the benchmark thread ({@link ThreadCpuClock}),
 * which says more than ops/s when other work shares the machine.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class JsonLinesEncodeBenchmark {

    static final int RECORDS = 1024;

    @Param({"plain", "peer", "memlogd", "json"})
    public String shape;

    /** The message as the framer now hands it over ({@code utf8}) or as a {@code String} (other sources). */
    @Param({"utf8", "text"})
    public String message;

    private LogRecord[] records;
    private final JsonLinesEncoder encoder = new JsonLinesEncoder();
    private final EncodedBuffer out = new EncodedBuffer(64 * 1024);
    private int next;
    private long encoded;
    private final ThreadCpuClock clock = new ThreadCpuClock();

    @Setup
    public void setUp() {
        records = new LogRecord[RECORDS];
        Map<String, Object> shared = switch (shape) {
            case "peer" -> Map.of("peer", "127.0.0.1");
            case "memlogd" -> Map.of(FieldNames.MEMLOGD_NAME, "web");
            default -> Map.of();
        };
        long t0 = 1_764_000_000_123_456_789L;
        for (int i = 0; i < RECORDS; i++) {
            String msg = shape.equals("json")
                    ? "{\"level\":\"info\",\"ts\":1764000000.5,\"msg\":\"GET /api/v1/items/" + i
                            + "\",\"status\":200,\"ms\":" + (i % 97) + "}"
                    : line(i);
            // one map for all, as a source shares it (the tcp source per connection, the fd socket per pipe)
            Map<String, Object> fields = shared;
            records[i] = message.equals("utf8")
                    ? LogRecord.ofUtf8(t0 + i * 1_000_000L, "bench", "web", "stdout", dev.logrouter.core.record.Level.INFO,
                            msg.getBytes(java.nio.charset.StandardCharsets.UTF_8), fields, LogRecord.Kind.NORMAL).withCursor(i + 1)
                    : new LogRecord(i + 1, t0 + i * 1_000_000L, "bench", "web", "stdout", dev.logrouter.core.record.Level.INFO, msg,
                            fields, LogRecord.Kind.NORMAL);
        }
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        encoded = 0;
        clock.start();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        clock.print("encoder", encoded, "records");
    }

    @Benchmark
    public int encode() {
        encoded++;
        int i = next;
        next = (i + 1) & (RECORDS - 1);
        // a batch buffer: reset when it would grow, so the op never measures a resize
        if (out.size() > 60 * 1024) {
            out.reset();
        }
        encoder.encode(records[i], out);
        return out.size();
    }

    /** A 100-character log-like ASCII line. */
    static String line(int i) {
        StringBuilder b = new StringBuilder(128);
        b.append(String.format("%08d", i)).append(" GET /api/v1/items/").append(i).append(" status=200 ms=")
                .append(i % 97).append(' ');
        char c = 'a';
        while (b.length() < 100) {
            b.append(c);
            c = c == 'z' ? 'a' : (char) (c + 1);
        }
        return b.toString();
    }
}
