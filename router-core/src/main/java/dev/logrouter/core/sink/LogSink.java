package dev.logrouter.core.sink;

import dev.logrouter.core.record.LogRecord;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A destination for records: encodes and transports them.
 *
 * <p>The router gives each sink its own bounded {@link SinkBuffer}; {@link #write} subscribes to it
 * and requests records as fast as the transport takes them. A sink never has to buffer without bound:
 * when it stops requesting, the buffer applies its {@code when_full} policy and counts the drops.
 */
public interface LogSink {

    /** Config name of the sink. */
    String name();

    /** Config type of the sink ({@code console}, {@code tcp}, ...). */
    String type();

    /**
     * Consumes {@code records} until they complete, then flushes. The returned {@link Mono} is cold:
     * nothing is written before it is subscribed. It completes once every record has been written (or
     * counted as dropped) after {@code records} completes, and errors only on a failure the sink cannot
     * recover from. Cancelling it closes the sink's transport.
     */
    Mono<Void> write(Flux<LogRecord> records);

    /** Transport state for {@code status} and metrics; sinks with a connection override this. */
    default SinkState state() {
        return SinkState.UP;
    }

    /**
     * True when {@link #state()} counts every record {@link #write} receives (gap records included)
     * exactly once in {@code written} or {@code dropped}. The router then bounds and reports the
     * records the sink holds (batches, pending queues) as part of its buffer; see {@link SinkBuffer}.
     */
    default boolean tracksSettlement() {
        return false;
    }

    /** Bytes the transport wrote so far (re-sends included), for {@code status} and metrics; 0 when not counted. */
    default long writtenBytes() {
        return 0;
    }
}
