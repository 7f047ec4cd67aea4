package dev.logrouter.app.config;

import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.sink.SinkCounters;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code type: blackhole}: counts and discards records. */
@Doc("Counts every record as written and discards it: the pipeline (sources, routes, transforms, buffers) "
        + "without any I/O, for benchmarks and for trying routes. Nothing is encoded, so `written_bytes` stays 0.")
public final class BlackholeSinkType implements SinkType<BlackholeSinkType.Config> {

    record Config(
            @Default("256") @Doc("records requested from the sink's buffer at a time, as a transport's batch would")
            Integer batchEvents) {
        Config {
            if (batchEvents != null && batchEvents < 1) {
                throw new IllegalArgumentException("batch_events must be at least 1");
            }
        }
    }

    @Override
    public String type() {
        return "blackhole";
    }

    @Override
    public LogSink create(String name, Config c, RouterEnv env) {
        return new Blackhole(name, c.batchEvents());
    }

    /**
     * Requests {@code batch} records at a time from its buffer and discards each as it arrives, so it
     * is never the reason the buffer fills; replays nothing, and takes nothing before it is subscribed.
     */
    private static final class Blackhole implements LogSink {

        private final String name;
        private final int batch;
        private final SinkCounters counters = new SinkCounters("up", java.util.function.UnaryOperator.identity());

        Blackhole(String name, int batch) {
            this.name = name;
            this.batch = batch;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String type() {
            return "blackhole";
        }

        @Override
        public Mono<Void> write(Flux<LogRecord> records) {
            return records.limitRate(batch).doOnNext(r -> counters.addWritten(1)).then();
        }

        @Override
        public SinkCounters counters() {
            return counters;
        }
    }
}
