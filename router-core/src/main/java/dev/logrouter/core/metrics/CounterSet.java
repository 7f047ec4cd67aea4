package dev.logrouter.core.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A component's own named counters and levels, in the order they were registered: what
 * {@code status} lists under the component and {@code /metrics} exports as
 * {@code logrouter_source_events_total{counter=...}} / {@code logrouter_sink_events_total} (totals) and
 * {@code logrouter_source_gauge{gauge=...}} / {@code logrouter_sink_gauge} (levels).
 *
 * <p>A component registers every name once, when it is built, and keeps the returned
 * {@link AtomicLong} to increment: the set is the only place its counts live, and a typed snapshot
 * for tests (a {@code *Stats} record) is built from the same fields. Counting is lock-free;
 * registering and {@link #snapshot()} are synchronized.
 */
public final class CounterSet {

    /** A set with no counters, for components that count nothing of their own; registering in it fails. */
    public static final CounterSet NONE = new CounterSet(true);

    private final boolean frozen;
    private final Map<String, LongSupplier> listed = new LinkedHashMap<>();
    private final Set<String> levels = new LinkedHashSet<>();
    private final Map<String, AtomicLong> unlisted = new LinkedHashMap<>();

    public CounterSet() {
        this(false);
    }

    private CounterSet(boolean frozen) {
        this.frozen = frozen;
    }

    /** Registers a total shown by {@code status} and exported as a counter; returns it to increment. */
    public synchronized AtomicLong counter(String name) {
        AtomicLong c = new AtomicLong();
        put(name, c::get);
        return c;
    }

    /** Registers a total computed from other figures (e.g. the Kafka sink's {@code acked}: its records written). */
    public synchronized void counter(String name, LongSupplier total) {
        put(name, total);
    }

    /** Registers a level (records in flight, fds open) shown by {@code status} and exported as a gauge. */
    public synchronized void level(String name, LongSupplier level) {
        put(name, level);
        levels.add(name);
    }

    /**
     * Registers a total that is counted but neither shown nor exported: a figure the component's
     * standard set already says for users (a source's bytes read off the wire), kept for its tests
     * and benchmarks.
     */
    public synchronized AtomicLong unlisted(String name) {
        check(name);
        AtomicLong c = new AtomicLong();
        unlisted.put(name, c);
        return c;
    }

    private void put(String name, LongSupplier value) {
        check(name);
        listed.put(name, value);
    }

    private void check(String name) {
        if (frozen) {
            throw new IllegalStateException("CounterSet.NONE takes no counters");
        }
        if (listed.containsKey(name) || unlisted.containsKey(name)) {
            throw new IllegalArgumentException("counter " + name + " registered twice");
        }
    }

    /**
     * The current value of one counter or level, listed or not.
     *
     * @throws IllegalArgumentException when no counter has that name
     */
    public synchronized long value(String name) {
        LongSupplier v = listed.get(name);
        if (v != null) {
            return v.getAsLong();
        }
        AtomicLong u = unlisted.get(name);
        if (u == null) {
            throw new IllegalArgumentException("no counter " + name + " (have " + listed.keySet() + ", "
                    + unlisted.keySet() + ")");
        }
        return u.get();
    }

    /** The listed counters and levels by name, in registration order; a copy. */
    public synchronized Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        listed.forEach((k, v) -> m.put(k, v.getAsLong()));
        return m;
    }

    /** Names registered with {@link #level}: exported as gauges rather than counters. */
    public synchronized Set<String> levels() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(levels));
    }
}
