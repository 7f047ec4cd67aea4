package dev.logrouter.core.router;

import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.route.RouteSpec;
import dev.logrouter.core.route.RouteTable;
import dev.logrouter.core.transform.TransformChain;
import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.sink.SinkBuffer;
import dev.logrouter.core.sink.SinkCounters;
import dev.logrouter.core.source.DeliveryReport;
import dev.logrouter.core.source.LogSource;
import dev.logrouter.core.source.SourceCounters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Merges sources into the journal and fans each record out to the sinks its routes select.
 *
 * <p>{@link #ingest} appends to the journal, then offers the record to the {@link SinkBuffer} of
 * every sink that a route selects (once per sink). Ingest runs on the producing source's thread and
 * never waits on a reader or a sink. A sink configured {@code when_full: block} that is full pauses
 * the sources whose records are routed to it by demand: the router stops requesting from them until
 * the buffer calls back with room ({@link SourceIntake}); no thread waits.
 *
 * <p>Delivery reports: each sink acknowledges to its buffer what it delivered; a buffer releases a
 * record once acknowledged (memory) or synced (disk), or dropped. For a source that asks
 * ({@link LogSource#trackDelivery}) the router counts, per record, the buffers it was offered to and
 * reports the source's records in order once every one of them released it.
 *
 * <p>Sinks and routes can be replaced while records flow ({@link #bindSink}, {@link #route},
 * {@link #unbindSink}): the routes and the sinks they address are swapped as one, so a record is
 * routed either entirely by the old or entirely by the new table.
 */
public final class Router implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Router.class);

    private static final ThreadLocal<Boolean> INGESTING = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private final Journal journal;
    private final Scheduler sinkScheduler;
    private volatile Routing routing;
    private final List<SourceBinding> sources = new CopyOnWriteArrayList<>();
    /** Sources that want delivery reports, by name. */
    private final Map<String, DeliveryTracker> trackers = new ConcurrentHashMap<>();
    private boolean shutDown;

    /**
     * A route table, the sinks its masks index, and the sinks' own transforms (parallel to
     * {@code bindings}); {@code transformed} when any route or sink has transforms.
     */
    private record Routing(RouteTable table, SinkBinding[] bindings, TransformChain[] sinkChains,
                           boolean transformed, Disposable ticks) implements RouteTable.Delivery {

        Routing(RouteTable table, SinkBinding[] bindings) {
            this(table, bindings, none(bindings.length), false, Disposables.disposed());
        }

        private static TransformChain[] none(int n) {
            TransformChain[] c = new TransformChain[n];
            Arrays.fill(c, TransformChain.NONE);
            return c;
        }

        @Override
        public void deliver(int sink, LogRecord r) {
            LogRecord out = sinkChains[sink].apply(r);
            if (out != null) {
                // a rate limit's summary, on a timer thread that must not wait: taken even by a full block buffer
                bindings[sink].buffer().tryOffer(out, null);
            }
        }
    }

    /**
     * A started sink with its buffer: a handle to give back to {@link #route} and {@link #unbindSink}, and
     * what {@code status} reads. Its running subscription stays the router's.
     */
    public static final class SinkBinding {
        private final LogSink sink;
        private final SinkBuffer buffer;
        private final Disposable subscription;
        private final Mono<Void> finished;

        private SinkBinding(LogSink sink, SinkBuffer buffer, Disposable subscription, Mono<Void> finished) {
            this.sink = sink;
            this.buffer = buffer;
            this.subscription = subscription;
            this.finished = finished;
        }

        public LogSink sink() {
            return sink;
        }

        /** The sink's buffer, for its counters and depth. */
        public SinkBuffer buffer() {
            return buffer;
        }

        Disposable subscription() {
            return subscription;
        }

        Mono<Void> finished() {
            return finished;
        }
    }

    /** A started source with its counters: a handle to give back to {@link #detach}, and what {@code status} reads. */
    public static final class SourceBinding {
        private final LogSource source;
        private final SourceCounters counters;
        private final Disposable subscription;

        private SourceBinding(LogSource source, SourceCounters counters, Disposable subscription) {
            this.source = source;
            this.counters = counters;
            this.subscription = subscription;
        }

        public LogSource source() {
            return source;
        }

        public SourceCounters counters() {
            return counters;
        }

        Disposable subscription() {
            return subscription;
        }
    }

    public Router(Journal journal) {
        this.journal = Objects.requireNonNull(journal, "journal");
        this.sinkScheduler = Schedulers.newBoundedElastic(64, Integer.MAX_VALUE, "sink", 60, true);
        this.routing = new Routing(RouteTable.compile(List.of(), List.of()), new SinkBinding[0]);
    }

    public Journal journal() {
        return journal;
    }

    /**
     * Starts sinks and installs routes. Call before {@link #attach} so no record misses a route.
     *
     * @param sinks  sinks with their buffer specs, in a fixed order
     * @param routes routes naming those sinks
     */
    public void startSinks(Map<LogSink, BufferSpec> sinks, List<RouteSpec> routes) {
        List<SinkBinding> list = new ArrayList<>();
        for (Map.Entry<LogSink, BufferSpec> e : sinks.entrySet()) {
            list.add(bindSink(e.getKey(), e.getValue()));
        }
        route(list, routes);
    }

    /** Gives a sink its buffer and starts it; it receives records once a {@link #route} names it. */
    public SinkBinding bindSink(LogSink sink, BufferSpec spec) {
        SinkCounters counted = sink.counters();
        SinkBuffer buffer = new SinkBuffer(sink.name(), spec, true, sinkScheduler,
                counted.tracksSettlement() ? counted::settled : null);
        buffer.onRelease(this::released, this::tracked);
        // Disposing d must cancel the write itself (a subscriber of a cached Mono would only leave it),
        // so that a forced stop closes the transport and the buffer (a disk buffer's files).
        Sinks.Empty<Void> ended = Sinks.empty();
        Disposable d = sink.write(buffer.flux(), buffer::ack)
                .onErrorResume(err -> {
                    selfLog(Level.ERR, "sink " + sink.name() + " failed: " + describe(err));
                    LOG.error(LogSource.ALREADY_RECORDED, "sink {} failed: {}", sink.name(), describe(err));
                    return Mono.empty();
                })
                .doFinally(sig -> ended.tryEmitEmpty())
                .subscribe();
        return new SinkBinding(sink, buffer, d, ended.asMono());
    }

    /**
     * Installs {@code routes} over {@code sinks} in one step.
     *
     * @throws IllegalArgumentException when a route names a sink not in {@code sinks}
     */
    public void route(List<SinkBinding> sinks, List<RouteSpec> routes) {
        route(sinks, routes, Map.of());
    }

    /**
     * Installs {@code routes} over {@code sinks} in one step, with each sink's own transforms
     * (by sink name; absent means none). The routes' and sinks' rate limits start their window
     * ticks here; those of the routing this replaces stop. A rate limit's summary records go where
     * its route or sink sends records, without entering the journal.
     *
     * @throws IllegalArgumentException when a route names a sink not in {@code sinks}
     */
    public void route(List<SinkBinding> sinks, List<RouteSpec> routes, Map<String, TransformChain> sinkTransforms) {
        List<String> names = new ArrayList<>(sinks.size());
        for (SinkBinding b : sinks) {
            names.add(b.sink().name());
        }
        RouteTable table = RouteTable.compile(routes, names);
        SinkBinding[] bindings = sinks.toArray(new SinkBinding[0]);
        TransformChain[] chains = new TransformChain[bindings.length];
        boolean transformed = table.hasTransforms();
        for (int i = 0; i < bindings.length; i++) {
            chains[i] = sinkTransforms.getOrDefault(names.get(i), TransformChain.NONE);
            transformed |= !chains[i].isEmpty();
        }
        Disposable.Composite ticks = Disposables.composite();
        Routing next = new Routing(table, bindings, chains, transformed, ticks);
        List<RouteSpec> kept = table.routes();
        for (int i = 0; i < kept.size(); i++) {
            TransformChain c = kept.get(i).transforms();
            if (c.needsStart()) {
                long mask = table.mask(i);
                ticks.add(c.start(Schedulers.parallel(), r -> {
                    for (long m = mask; m != 0; m &= m - 1) {
                        next.deliver(Long.numberOfTrailingZeros(m), r);
                    }
                }));
            }
        }
        for (int i = 0; i < chains.length; i++) {
            if (chains[i].needsStart()) {
                SinkBuffer buffer = bindings[i].buffer();
                ticks.add(chains[i].start(Schedulers.parallel(), r -> buffer.tryOffer(r, null)));
            }
        }
        Routing previous = this.routing;
        this.routing = next;
        previous.ticks().dispose();
    }

    /** Transforms of the current routes and sinks that have any, for status (route N / sink NAME). */
    public List<TransformChain> transforms() {
        Routing current = routing;
        List<TransformChain> all = new ArrayList<>();
        for (RouteSpec r : current.table().routes()) {
            if (!r.transforms().isEmpty()) {
                all.add(r.transforms());
            }
        }
        for (TransformChain c : current.sinkChains()) {
            if (!c.isEmpty()) {
                all.add(c);
            }
        }
        return all;
    }

    /** The current routes, in config order: index N is {@code route N} in status and metrics. */
    public List<RouteSpec> routes() {
        return routing.table().routes();
    }

    /** The own transforms of each current sink, by sink name ({@link TransformChain#NONE} for none). */
    public Map<String, TransformChain> sinkTransforms() {
        Routing current = routing;
        Map<String, TransformChain> m = new LinkedHashMap<>();
        for (int i = 0; i < current.bindings().length; i++) {
            m.put(current.bindings()[i].sink().name(), current.sinkChains()[i]);
        }
        return m;
    }

    /**
     * Stops a sink that no route uses any more: it drains what it holds within {@code deadline},
     * then is cancelled (what it still held, in its buffer or in hand, counts as dropped).
     */
    public void unbindSink(SinkBinding b, Duration deadline) {
        b.buffer().close();
        try {
            b.finished().block(deadline);
        } catch (RuntimeException timeout) {
            b.subscription().dispose();
        }
        b.buffer().abandonHeld();
    }

    /**
     * Subscribes to a source with bounded demand (see {@link SourceIntake}): its records are ingested
     * on the thread that emits them, and while a {@code when_full: block} sink it feeds is full the
     * router stops requesting, so the source stops reading instead of any thread waiting.
     */
    public SourceBinding attach(LogSource source) {
        SourceCounters counters = new SourceCounters(source.name(), source.type(), source.counters());
        counters.state("running");
        DeliveryReport reports = source.trackDelivery();
        DeliveryTracker tracker = reports == null ? null : new DeliveryTracker(reports);
        if (tracker != null) {
            trackers.put(source.name(), tracker);
        }
        SourceIntake intake = new SourceIntake(this, source.name(), counters, tracker);
        source.records().subscribe(intake);
        SourceBinding binding = new SourceBinding(source, counters, intake);
        sources.add(binding);
        return binding;
    }

    /** A source's flux failed: counted, journaled and logged. */
    void sourceFailed(String name, SourceCounters counters, Throwable err) {
        counters.error(describe(err));
        counters.state("failed");
        // journaled as a record, and on stderr like a failed reload (the marker keeps the
        // journal appender from recording it twice)
        selfLog(Level.ERR, "source " + name + " failed: " + describe(err));
        LOG.error(LogSource.ALREADY_RECORDED, "source {} failed: {}", name, describe(err));
    }

    /** Stops a source and forgets it. */
    public void detach(SourceBinding binding) {
        binding.subscription().dispose();
        binding.counters().state("stopped");
        sources.remove(binding);
        trackers.remove(binding.source().name());
    }

    /**
     * Appends to the journal and offers to the routed sinks. Thread-safe.
     *
     * @return the stored record with its cursor
     */
    public LogRecord ingest(LogRecord draft) {
        return ingest(draft, null, null);
    }

    /**
     * Appends to the journal, then hands the record to each routed sink's buffer: into {@code outbox}
     * (the caller offers them and can pause), or, without one, offered at once and never waiting
     * (taken beyond a full block buffer's bound: for producers that cannot pause, like log lines).
     */
    LogRecord ingest(LogRecord draft, DeliveryTracker tracker, java.util.Deque<SourceIntake.Pending> outbox) {
        INGESTING.set(Boolean.TRUE);
        try {
            LogRecord r = journal.append(draft);
            Routing current = routing;
            if (current.transformed()) {
                // the journal keeps r as it came; routes and sinks transform their own copies
                if (outbox == null) {
                    current.table().dispatch(r, current);
                } else {
                    current.table().dispatch(r, (i, t) -> {
                        LogRecord out = current.sinkChains()[i].apply(t);
                        if (out != null) {
                            outbox.addLast(new SourceIntake.Pending(current.bindings()[i].buffer(), out));
                        }
                    });
                }
                return r;
            }
            long mask = current.table().match(r);
            if (tracker != null) {
                // registered before any buffer can release it
                tracker.expect(r, Long.bitCount(mask));
            }
            if (mask != 0) {
                SinkBinding[] b = current.bindings();
                while (mask != 0) {
                    int i = Long.numberOfTrailingZeros(mask);
                    mask &= mask - 1;
                    if (outbox == null) {
                        b[i].buffer().tryOffer(r, null);
                    } else {
                        outbox.addLast(new SourceIntake.Pending(b[i].buffer(), r));
                    }
                }
            }
            return r;
        } finally {
            INGESTING.set(Boolean.FALSE);
        }
    }

    /** An error as an operator reads it: its message, or its kind when it has none. */
    static String describe(Throwable err) {
        String m = err.getMessage();
        return m == null || m.isBlank() ? err.getClass().getSimpleName() : m;
    }

    /** Whether a source waits to hear that {@code r} was delivered (only then do buffers keep it in flight). */
    private boolean tracked(LogRecord r) {
        return !trackers.isEmpty() && trackers.containsKey(r.source());
    }

    /** A buffer no longer needs {@code records}: tell the trackers (each picks its source's records). */
    private void released(List<LogRecord> records) {
        if (!trackers.isEmpty()) {
            for (DeliveryTracker t : trackers.values()) {
                t.released(records);
            }
        }
    }

    /** True on a thread that is inside {@link #ingest}; the self-log appender skips those to avoid loops. */
    public static boolean isIngesting() {
        return INGESTING.get();
    }

    /** A line of the router's own log, as service {@code logrouter}. */
    public void selfLog(Level level, String msg) {
        if (isIngesting()) {
            return;
        }
        ingest(LogRecord.of(LogRecord.now(), LogRecord.SELF_SERVICE, LogRecord.SELF_SERVICE, "log", level, msg));
    }

    public List<SourceBinding> sources() {
        return Collections.unmodifiableList(sources);
    }

    public List<SinkBinding> sinks() {
        return List.of(routing.bindings());
    }

    /**
     * Stops sources, then lets every sink drain what is buffered within {@code deadline}; sinks still
     * busy after it are cancelled and what they held (in the buffer and in the sink's own hands) is
     * counted as dropped. Idempotent.
     *
     * @return per sink (in order), the records not delivered because of the stop, already counted as
     *         dropped; only sinks that lost some; empty when already shut down
     */
    public Map<String, Long> shutdown(Duration deadline) {
        synchronized (this) {
            if (shutDown) {
                return Map.of();
            }
            shutDown = true;
        }
        routing.ticks().dispose();
        for (SourceBinding s : sources) {
            s.subscription().dispose();
            s.counters().state("stopped");
        }
        SinkBinding[] b = routing.bindings();
        long[] before = new long[b.length];
        List<Mono<Void>> all = new ArrayList<>();
        for (int i = 0; i < b.length; i++) {
            before[i] = droppedBy(b[i]);
            b[i].buffer().close();
            all.add(b[i].finished());
        }
        try {
            Mono.when(all).block(deadline);
        } catch (RuntimeException timeout) {
            // what the sinks still hold was not delivered: sources keep their saved positions behind it
            trackers.clear();
            for (SinkBinding s : b) {
                s.subscription().dispose();
            }
        }
        Map<String, Long> lost = new LinkedHashMap<>();
        for (int i = 0; i < b.length; i++) {
            b[i].buffer().abandonHeld();
            long n = droppedBy(b[i]) - before[i];
            if (n > 0) {
                lost.put(b[i].sink().name(), n);
            }
        }
        return lost;
    }

    private static long droppedBy(SinkBinding b) {
        long transport;
        try {
            transport = b.sink().counters().dropped();
        } catch (RuntimeException e) {
            transport = 0;
        }
        return b.buffer().dropped() + transport;
    }

    /** Sink names in route-mask order with their buffers; for status. */
    public Map<String, SinkBuffer> buffers() {
        Map<String, SinkBuffer> m = new LinkedHashMap<>();
        for (SinkBinding s : routing.bindings()) {
            m.put(s.sink().name(), s.buffer());
        }
        return m;
    }

    /** {@link #shutdown} with a 5 s deadline unless already shut down, then releases threads. */
    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
        sinkScheduler.dispose();
    }
}
