package dev.logrouter.core.testsupport;

import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.sink.DeliveryAck;
import dev.logrouter.core.sink.LogSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A sink for router tests: takes every record as it comes and keeps it in {@link #got}. By default each
 * record counts as delivered on arrival; a {@link #confirming} sink leaves that to the test
 * ({@link #confirmUpTo}), as a transport whose receiver has not acknowledged yet.
 */
public final class CollectingSink implements LogSink {

    public final List<LogRecord> got = new CopyOnWriteArrayList<>();
    private final String name;
    private final boolean confirming;
    private volatile DeliveryAck ack = DeliveryAck.NONE;

    private CollectingSink(String name, boolean confirming) {
        this.name = name;
        this.confirming = confirming;
    }

    /** Delivered as soon as it arrives. */
    public static CollectingSink named(String name) {
        return new CollectingSink(name, false);
    }

    /** Delivered only when the test says so. */
    public static CollectingSink confirming(String name) {
        return new CollectingSink(name, true);
    }

    /** Reports every record up to the one at {@code index} of {@link #got} as delivered. */
    public void confirmUpTo(int index) {
        ack.delivered(index + 1);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "collect";
    }

    @Override
    public Mono<Void> write(Flux<LogRecord> records) {
        return records.doOnNext(got::add).then();
    }

    @Override
    public Mono<Void> write(Flux<LogRecord> records, DeliveryAck ack) {
        if (!confirming) {
            return LogSink.super.write(records, ack);
        }
        this.ack = ack;
        return write(records);
    }
}
