package dev.logrouter.core.source;

import dev.logrouter.core.metrics.CounterSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The counter set every source reports, whatever its type: records and message bytes read, errors,
 * records the source lost, its state and last error, counted by the router (and the source's
 * failures), plus the source's own named counters ({@link LogSource#counters()}). {@code status}
 * and {@code /metrics} render this set. Thread-safe.
 */
public final class SourceCounters {

    private final String name;
    private final String type;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicReference<String> state = new AtomicReference<>("starting");
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private final CounterSet own;

    /** The set of a source without counters of its own. */
    public SourceCounters(String name, String type) {
        this(name, type, CounterSet.NONE);
    }

    /** @param own the source's own counters ({@link LogSource#counters()}) */
    public SourceCounters(String name, String type, CounterSet own) {
        this.name = name;
        this.type = type;
        this.own = own;
    }

    /** The source's own counters and levels. */
    public CounterSet own() {
        return own;
    }

    public String name() {
        return name;
    }

    public String type() {
        return type;
    }

    public void record(long msgLength) {
        records.incrementAndGet();
        bytes.addAndGet(msgLength);
    }

    public void error(String message) {
        errors.incrementAndGet();
        lastError.set(message);
    }

    public void drop(long n) {
        dropped.addAndGet(n);
    }

    public void state(String s) {
        state.set(s);
    }

    public long records() {
        return records.get();
    }

    public long bytes() {
        return bytes.get();
    }

    public long errors() {
        return errors.get();
    }

    public long dropped() {
        return dropped.get();
    }

    public String state() {
        return state.get();
    }

    public String lastError() {
        return lastError.get();
    }
}
