package dev.logrouter.core.sink;

import dev.logrouter.core.record.LogRecord;
import java.util.Map;
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
     * {@link #write(Flux)}, telling {@code ack} how far records are delivered; the router calls this
     * one. What "delivered" means is the sink's: a sink that does not override this method acknowledges
     * each record as it receives it, before writing it. A sink whose transport confirms delivery later
     * (a TCP sink once a record can no longer need re-sending) overrides it. A disk buffer keeps every
     * record until it is acknowledged, and a source's saved position (kmsg) never passes a record that
     * is not.
     */
    default Mono<Void> write(Flux<LogRecord> records, DeliveryAck ack) {
        return write(records.doOnNext(ack::delivered));
    }

    /** Transport state for {@code status} and metrics; sinks with a connection override this. */
    default SinkState state() {
        return SinkState.UP;
    }

    /**
     * The sink's own counters beyond {@link #state()} (e.g. the Kafka sink's {@code in_flight},
     * {@code acked}, {@code failed}), by name; empty by default.
     */
    default Map<String, Long> counters() {
        return Map.of();
    }

    /**
     * True when {@link #settled()} counts every record {@link #write} receives (gap records included)
     * exactly once. The router then bounds and reports the
     * records the sink holds (batches, pending queues) as part of its buffer; see {@link SinkBuffer}.
     */
    default boolean tracksSettlement() {
        return false;
    }

    /**
     * With {@link #tracksSettlement()}: every record received so far that the sink is done with,
     * written or dropped, gap records included. {@code state().dropped()} counts lost records only,
     * so a sink that drops gap records it could not send (at a stop) adds those here.
     */
    default long settled() {
        SinkState st = state();
        return st.written() + st.dropped();
    }

    /**
     * Records dropped because the sink's encoder could not encode them (reason {@code encode_error}
     * in {@code status} and metrics); a part of {@code state().dropped()}, 0 when not counted.
     */
    default long encodeErrors() {
        return 0;
    }

    /**
     * Records the sink's encoder sent nothing for by design (a Talos json_lines console skips blank
     * service lines, as Talos does): not dropped, and counted in {@link #settled()}; 0 by default.
     */
    default long skipped() {
        return 0;
    }

    /** Bytes the transport wrote so far (re-sends included), for {@code status} and metrics; 0 when not counted. */
    default long writtenBytes() {
        return 0;
    }
}
