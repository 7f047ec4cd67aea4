package dev.logrouter.core.source;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Live counters of one source, updated by the router and by the source itself; thread-safe. */
public final class SourceCounters {

    private final String name;
    private final String type;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicReference<String> state = new AtomicReference<>("starting");
    private final AtomicReference<String> lastError = new AtomicReference<>();

    public SourceCounters(String name, String type) {
        this.name = name;
        this.type = type;
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
