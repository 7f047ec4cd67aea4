package dev.logrouter.core.transform;

import dev.logrouter.core.record.LogRecord;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.scheduler.Scheduler;

/**
 * The transforms of one route or one sink, compiled once per config: records pass through the
 * steps in order; a step may replace the record or drop it. Thread-safe: every source's thread
 * applies the same chain. A record that no step changes comes out as the same object and costs no
 * allocation (when every step is one that can leave a record alone: parse json on a plain line,
 * rename or drop of absent fields, add of present values, a rate limit within its budget).
 *
 * <p>Drops are counted: {@link #dropped()} (rate limits) and {@link #blank()} (blank lines that
 * {@code parse: json} skips). Rate limits close their windows on a periodic tick of the scheduler
 * given to {@link #start}; each closed window that dropped records emits one summary record per key
 * ({@code "rate limit: dropped N records from web"}, service {@code logrouter}, stream
 * {@code rate_limit}, level warning). Before {@link #start} windows never close.
 */
public final class TransformChain {

    /** No transforms. */
    public static final TransformChain NONE = new TransformChain(List.of(), new Step[0], List.of(), "",
            new LongAdder(), new LongAdder());

    private final List<TransformSpec> specs;
    private final Step[] steps;
    private final List<RateLimitStep> rateLimits;
    private final String where;
    private final LongAdder dropped;
    private final LongAdder blank;

    private TransformChain(List<TransformSpec> specs, Step[] steps, List<RateLimitStep> rateLimits, String where,
                           LongAdder dropped, LongAdder blank) {
        this.specs = specs;
        this.steps = steps;
        this.rateLimits = rateLimits;
        this.where = where;
        this.dropped = dropped;
        this.blank = blank;
    }

    /**
     * Compiles {@code specs}.
     *
     * @param where names the route or sink (for summary records and stats), e.g. {@code sink filebeat}
     */
    public static TransformChain compile(List<TransformSpec> specs, String where) {
        if (specs == null || specs.isEmpty()) {
            return NONE;
        }
        LongAdder dropped = new LongAdder();
        LongAdder blank = new LongAdder();
        List<Step> steps = new ArrayList<>();
        List<RateLimitStep> limits = new ArrayList<>();
        for (TransformSpec s : specs) {
            if (s instanceof TransformSpec.ParseJson) {
                steps.add(new ParseJsonStep(blank));
            } else if (s instanceof TransformSpec.SkipBlank) {
                steps.add(ParseJsonStep.skipBlank(blank));
            } else if (s instanceof TransformSpec.AddFields a) {
                steps.add(FieldSteps.add(a.fields()));
            } else if (s instanceof TransformSpec.RenameFields rn) {
                steps.add(FieldSteps.rename(rn.renames()));
            } else if (s instanceof TransformSpec.DropFields d) {
                steps.add(FieldSteps.drop(d.fields()));
            } else if (s instanceof TransformSpec.Hostname) {
                steps.add(FieldSteps.add(Map.of("hostname", localHostName())));
            } else if (s instanceof TransformSpec.RateLimit rl) {
                RateLimitStep step = new RateLimitStep(rl, where, dropped);
                steps.add(step);
                limits.add(step);
            }
        }
        return new TransformChain(List.copyOf(specs), steps.toArray(new Step[0]), List.copyOf(limits), where,
                dropped, blank);
    }

    public boolean isEmpty() {
        return steps.length == 0;
    }

    public List<TransformSpec> specs() {
        return specs;
    }

    public String where() {
        return where;
    }

    /** The transformed record, {@code r} itself when nothing changed, or null when it was dropped. */
    public LogRecord apply(LogRecord r) {
        for (Step s : steps) {
            r = s.apply(r);
            if (r == null) {
                return null;
            }
        }
        return r;
    }

    /** Records a rate limit dropped. */
    public long dropped() {
        return dropped.sum();
    }

    /** Blank lines {@code parse: json} skipped. */
    public long blank() {
        return blank.sum();
    }

    /** True when the chain holds a rate limit, which needs {@link #start}. */
    public boolean needsStart() {
        return !rateLimits.isEmpty();
    }

    /**
     * Starts the rate limits' window ticks on {@code scheduler}; summary records go to
     * {@code emit} (on the scheduler's thread). Dispose the result to stop them.
     */
    public Disposable start(Scheduler scheduler, Consumer<LogRecord> emit) {
        if (rateLimits.isEmpty()) {
            return Disposables.disposed();
        }
        Disposable.Composite all = Disposables.composite();
        for (RateLimitStep s : rateLimits) {
            all.add(s.start(scheduler, emit));
        }
        return all;
    }

    /** This machine's host name: the kernel's (as {@code hostname} prints it), else the JDK's. */
    static String localHostName() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).trim();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
