package dev.logrouter.core.source;

import dev.logrouter.core.record.LogRecord;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;
import dev.logrouter.core.metrics.CounterSet;
import reactor.core.publisher.Flux;

/**
 * A producer of records: a child process, a pipe handed over a socket, the kernel log...
 *
 * <p>{@link #records()} is cold: subscribing starts the source (opens its files, sockets or
 * processes) and cancelling stops it and releases them. Records carry no cursor yet; the journal
 * assigns it. A source reads its input only as fast as its subscriber requests records: the router
 * requests a batch at a time, appends on the source's own thread, and stops requesting while a sink
 * configured {@code when_full: block} that the source feeds is full. A source then stops reading
 * (see {@link Demand}); it never waits on an event loop. Nothing is replayed to a second subscriber.
 */
public interface LogSource {

    /**
     * SLF4J marker for a log line whose content the source also emits as a record (e.g. "cannot open
     * the device"): the router's journal appender skips such lines, so the journal holds the event
     * once while stderr still shows the line.
     */
    Marker ALREADY_RECORDED = MarkerFactory.getMarker("LOGROUTER_ALREADY_RECORDED");

    /** Config name of the source; the {@code source} of its records. */
    String name();

    /** Config type of the source ({@code exec}, {@code kmsg}, ...). */
    String type();

    /** The records; see the interface comment. */
    Flux<LogRecord> records();

    /**
     * This source's own counters and levels by name, in a fixed order (bad input ignored, parse
     * errors, connections...), which the source registers once and increments; shown by
     * {@code status} and exported as metrics next to the standard set the router counts
     * ({@link SourceCounters}). {@link CounterSet#NONE} by default.
     */
    default CounterSet counters() {
        return CounterSet.NONE;
    }

    /**
     * The state of what the source supervises (a child process: failed starts, restarts, exit codes),
     * or {@code null} for sources whose state is just whether {@link #records()} is running.
     */
    default SourceHealth health() {
        return null;
    }

    /**
     * Called by the router before it subscribes when it will report how far this source's records
     * are delivered: the returned {@link DeliveryReport} then hears {@code delivered(r)} once {@code r}
     * (as stored, with its cursor) and every record this source emitted before it were delivered by
     * every sink they were routed to, persisted by a disk buffer, or dropped and counted by a buffer.
     * Records a sink still held when the router's shutdown deadline passed are never reported (those
     * a sink held when a reload replaced it are dropped, counted and reported). A source that keeps a position
     * across restarts (kmsg) saves this one instead of what it emitted, so a crash re-sends rather
     * than skips. Null (the default): the source does not care and the router tracks nothing.
     */
    default DeliveryReport trackDelivery() {
        return null;
    }
}
