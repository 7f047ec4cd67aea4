package dev.logrouter.core.sink;

import dev.logrouter.core.metrics.CounterSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The counter set every sink reports through: records written and their bytes, records dropped
 * (by the transport, or because they could not be encoded), skipped by design, re-sent,
 * reconnections, the connection state and the last error, plus the sink's own named counters
 * ({@link #own()}). A sink builds one, increments it as it works and returns it from
 * {@link LogSink#counters()}; the router bounds what the sink holds with {@link #settled()}, and
 * {@code status} and {@code /metrics} read {@link #state()}. Thread-safe.
 *
 * <p>Counting rule: every record {@link LogSink#write} receives, gap records included, ends exactly
 * once as written, dropped, skipped or (a gap record not sent at a stop) {@link #addUnsentGap
 * unsent}: {@link #settled()} is their sum.
 */
public final class SinkCounters {

    private final boolean counted;
    private final UnaryOperator<String> connectionView;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong writtenBytes = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedEncode = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong unsentGaps = new AtomicLong();
    private final AtomicLong resent = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final CounterSet own;
    private volatile String connection;
    private volatile String lastError;

    /** A set starting {@code idle} (no connection needed yet). */
    public SinkCounters() {
        this("idle", UnaryOperator.identity());
    }

    /**
     * @param connection     the state before the first {@link #connection(String)}
     * @param connectionView what {@link #state()} reports for the state set last (the Kafka sink
     *                       reports {@code up} as {@code down} while the producer has lost every broker)
     */
    public SinkCounters(String connection, UnaryOperator<String> connectionView) {
        this(true, connection, connectionView, new CounterSet());
    }

    private SinkCounters(boolean counted, String connection, UnaryOperator<String> connectionView, CounterSet own) {
        this.counted = counted;
        this.connection = connection;
        this.connectionView = connectionView;
        this.own = own;
    }

    /**
     * The set of a sink that counts nothing (test doubles): all zeros, connection {@code up}, no
     * {@link #tracksSettlement() settlement}; a new one each call.
     */
    public static SinkCounters notCounted() {
        return new SinkCounters(false, "up", UnaryOperator.identity(), CounterSet.NONE);
    }

    /**
     * True for every set but {@link #notCounted()}: the sink counts each record it receives once, so
     * the router bounds and reports the records it holds (batches, pending queues) as part of its
     * buffer; see {@link SinkBuffer}.
     */
    public boolean tracksSettlement() {
        return counted;
    }

    /** The sink's own counters and levels beyond the standard set (Kafka's {@code in_flight}...). */
    public CounterSet own() {
        return own;
    }

    public void addWritten(long records) {
        written.addAndGet(records);
    }

    public void addWrittenBytes(long bytes) {
        writtenBytes.addAndGet(bytes);
    }

    /** Records the transport dropped (too large, a write error, abandoned at a forced stop). */
    public void addDropped(long records) {
        dropped.addAndGet(records);
    }

    /** One record the encoder could not encode: dropped, reason {@code encode_error}, with why. */
    public void encodeFailed(String why) {
        droppedEncode.incrementAndGet();
        dropped.incrementAndGet();
        lastError = why;
    }

    /** One record the encoder sends nothing for by design: settled, not dropped. */
    public void addSkipped() {
        skipped.incrementAndGet();
    }

    /** One gap record taken from the buffer and never sent (at a stop): settled, and no record was lost. */
    public void addUnsentGap() {
        unsentGaps.incrementAndGet();
    }

    /**
     * Records (and gap records) counted as written that may not have reached the receiver after
     * all: the records become dropped, the gap records unsent.
     */
    public void retractWritten(long records, long gapRecords) {
        written.addAndGet(-(records + gapRecords));
        dropped.addAndGet(records);
        unsentGaps.addAndGet(gapRecords);
    }

    public void addResent(long records) {
        resent.addAndGet(records);
    }

    public void addReconnect() {
        reconnects.incrementAndGet();
    }

    /** The connection state as set last ({@code idle}, {@code connecting}, {@code up}, {@code down}...). */
    public String connection() {
        return connection;
    }

    public void connection(String state) {
        connection = state;
    }

    /** The last error text, or null. */
    public String lastError() {
        return lastError;
    }

    /** Sets the last error text; null clears it (the error is over). */
    public void error(String text) {
        lastError = text;
    }

    public long written() {
        return written.get();
    }

    /** All records the sink dropped, {@code encode_error} included. */
    public long dropped() {
        return dropped.get();
    }

    public long resent() {
        return resent.get();
    }

    public long reconnects() {
        return reconnects.get();
    }

    /** Every record received so far that the sink is done with: written, dropped, skipped or an unsent gap. */
    public long settled() {
        return written.get() + dropped.get() + skipped.get() + unsentGaps.get();
    }

    /** A snapshot for {@code status} and metrics. */
    public SinkState state() {
        return new SinkState(connectionView.apply(connection), written.get(), dropped.get(), reconnects.get(),
                lastError, resent.get(), writtenBytes.get(), droppedEncode.get(), skipped.get(), own.snapshot());
    }
}
