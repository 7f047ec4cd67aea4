package dev.logrouter.core.transform;

import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * {@code rate_limit}: fixed windows of {@code interval} on the scheduler's clock; the window closes
 * on the scheduler's periodic tick, which emits one summary record per key that lost records.
 */
final class RateLimitStep implements Step {

    /** Stream of summary records. */
    static final String SUMMARY_STREAM = "rate_limit";

    private static final class Bucket {
        long count;
        long dropped;
    }

    private final TransformSpec.RateLimit spec;
    private final String where;
    private final LongAdder droppedTotal;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimitStep(TransformSpec.RateLimit spec, String where, LongAdder droppedTotal) {
        this.spec = spec;
        this.where = where;
        this.droppedTotal = droppedTotal;
    }

    private String key(LogRecord r) {
        switch (spec.per()) {
            case SOURCE: return r.source();
            case STREAM: return r.stream();
            default: return r.service();
        }
    }

    @Override
    public LogRecord apply(LogRecord r) {
        if (r.isGap()) {
            return r;
        }
        Bucket b = buckets.computeIfAbsent(key(r), k -> new Bucket());
        synchronized (b) {
            if (b.count < spec.max()) {
                b.count++;
                return r;
            }
            b.dropped++;
        }
        droppedTotal.increment();
        return null;
    }

    /** Starts the window ticks; summaries go to {@code emit}. */
    Disposable start(Scheduler scheduler, Consumer<LogRecord> emit) {
        long every = spec.interval().toNanos();
        return scheduler.schedulePeriodically(() -> tick(scheduler, emit), every, every, TimeUnit.NANOSECONDS);
    }

    /** Closes the current window: one summary per key that dropped records; idle keys forgotten. */
    void tick(Scheduler scheduler, Consumer<LogRecord> emit) {
        long now = scheduler.now(TimeUnit.MILLISECONDS) * 1_000_000L;
        for (Map.Entry<String, Bucket> e : buckets.entrySet()) {
            Bucket b = e.getValue();
            long dropped;
            boolean idle;
            synchronized (b) {
                dropped = b.dropped;
                idle = b.count == 0;
                b.count = 0;
                b.dropped = 0;
            }
            if (idle) {
                buckets.remove(e.getKey(), b);
            }
            if (dropped > 0) {
                emit.accept(summary(now, e.getKey(), dropped));
            }
        }
    }

    private LogRecord summary(long now, String key, long dropped) {
        Map<String, Object> f = new LinkedHashMap<>(4);
        f.put("dropped", dropped);
        f.put(spec.per().name().toLowerCase(java.util.Locale.ROOT), key);
        if (!where.isEmpty()) {
            f.put(FieldNames.WHERE, where);
        }
        return new LogRecord(LogRecord.NO_CURSOR, now, LogRecord.SELF_SERVICE, LogRecord.SELF_SERVICE,
                SUMMARY_STREAM, Level.WARNING, "rate limit: dropped " + dropped + " records from " + key,
                java.util.Collections.unmodifiableMap(f), LogRecord.Kind.NORMAL);
    }
}
