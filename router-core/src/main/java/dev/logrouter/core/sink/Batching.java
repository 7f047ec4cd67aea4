package dev.logrouter.core.sink;

import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * How a sink that writes in batches takes records from its buffer: a batch is handed on when it holds
 * {@code maxEvents} records or {@code maxDelay} after its first record, whichever comes first, timed on the
 * sink's timer (a virtual-time scheduler in tests). One policy for the tcp, file and console sinks; UDP sends
 * each record as its own datagram and Kafka's producer batches by itself.
 *
 * <p>{@link #batches}: backpressure is the batch consumer's (Reactor's fair {@code bufferTimeout}): upstream
 * is asked for records in proportion to the batches the consumer requested, a few batches ahead at most and
 * never unbounded, so a sink that writes one batch at a time pulls a bounded number of records from its
 * buffer. A batch the timer closes is emitted on the timer's thread: a sink whose write blocks moves it off
 * that thread. Nothing is replayed.
 *
 * @param maxEvents most records in one batch
 * @param maxDelay  longest the first record of a batch waits for the batch to fill
 */
public record Batching(int maxEvents, Duration maxDelay) {

    public Batching {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("a batch holds at least one record, was " + maxEvents);
        }
        if (maxDelay.isNegative() || maxDelay.isZero()) {
            throw new IllegalArgumentException("the batch delay must be positive, was " + maxDelay);
        }
    }

    /** {@code records} in batches, timed on {@code timer}. */
    public <T> Flux<List<T>> batches(Flux<T> records, Scheduler timer) {
        return records.bufferTimeout(maxEvents, maxDelay, timer, true);
    }
}
