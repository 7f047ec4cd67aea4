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

    /**
     * {@link #write(Flux)}, telling {@code ack} how far records are delivered (by how many of those
     * received); the router calls this one. What "delivered" means is the sink's: a sink that does not
     * override this method acknowledges each record as it receives it, before writing it. A sink whose
     * transport confirms delivery later (a TCP sink once a record can no longer need re-sending)
     * overrides it. A disk buffer keeps every record until it is acknowledged, and a source's saved
     * position (kmsg) never passes a record that is not.
     */
    default Mono<Void> write(Flux<LogRecord> records, DeliveryAck ack) {
        return write(Flux.defer(() -> {
            long[] received = {0};
            return records.doOnNext(r -> ack.delivered(++received[0]));
        }));
    }

    /**
     * The sink's counters (records written, bytes, drops by reason, re-sends, reconnections,
     * connection state, its own named counters), read by the router and by {@code status} and
     * metrics. A sink builds one {@link SinkCounters} and returns it every time; counting every
     * record it receives once lets the router bound what it holds (see
     * {@link SinkCounters#tracksSettlement()}). By default a sink counts nothing:
     * {@link SinkCounters#notCounted()}.
     */
    default SinkCounters counters() {
        return SinkCounters.notCounted();
    }

    /** A snapshot of {@link #counters()}; {@code status} reads {@link #counters()}, so a sink overrides that. */
    default SinkState state() {
        return counters().state();
    }
}
