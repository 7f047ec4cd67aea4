package dev.logrouter.bench.transform;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.route.Glob;
import dev.logrouter.core.route.RouteSpec;
import dev.logrouter.core.route.RouteTable;
import dev.logrouter.core.transform.TransformChain;
import dev.logrouter.core.transform.TransformSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Route matching and transforms on a record that needs no change: the SPEC asks that this path
 * allocate nothing. Run with the GC profiler and read {@code gc.alloc.rate.norm} (bytes per op):
 * {@code bench/jmh TransformBenchmark -prof gc}.
 *
 * <p>The record is a plain 60-byte line of service {@code web} with one field {@code cluster=prod};
 * the chain is {@code parse: json}, {@code add_fields: {cluster: prod}}, {@code rename_fields} and
 * {@code drop_fields} of absent fields, and a rate limit the record stays within. The table has
 * three routes (a service glob, a level, a message regex that does not match, and the transformed
 * catch-all); {@code dispatch} delivers to two sinks.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class TransformBenchmark {

    private LogRecord record;
    private TransformChain chain;
    private RouteTable table;
    private RouteTable.Delivery delivery;

    @Setup
    public void setUp(Blackhole bh) {
        record = new LogRecord(1, 1_767_323_045_123_456_789L, "services", "web", "stdout", Level.INFO,
                "GET /index.html 200 1532 bytes in 0.4 ms from 10.0.0.12 ok", Map.of("cluster", "prod"),
                LogRecord.Kind.NORMAL);
        chain = TransformChain.compile(List.of(
                new TransformSpec.ParseJson(),
                new TransformSpec.AddFields(Map.of("cluster", "prod")),
                new TransformSpec.RenameFields(Map.of("user", "user.name")),
                new TransformSpec.DropFields(List.of("pid")),
                new TransformSpec.RateLimit(TransformSpec.Per.SERVICE, Long.MAX_VALUE, Duration.ofSeconds(1))),
                "route 2");
        table = RouteTable.compile(List.of(
                new RouteSpec(Set.of("services"), Glob.compile("db*"), null, null, null, null, List.of("a")),
                new RouteSpec(null, null, null, Level.ERR, Pattern.compile("timeout"), null, List.of("a")),
                new RouteSpec(null, Glob.compile("web"), null, null, null, null, List.of("a", "b"), chain)),
                List.of("a", "b"));
        delivery = (sink, r) -> bh.consume(r);
    }

    /** The transform chain alone. */
    @Benchmark
    public LogRecord chainOnAnUnchangedRecord() {
        return chain.apply(record);
    }

    /** Matching the routes plus the chain, delivered to two sinks. */
    @Benchmark
    public void matchAndTransformAnUnchangedRecord() {
        table.dispatch(record, delivery);
    }
}
