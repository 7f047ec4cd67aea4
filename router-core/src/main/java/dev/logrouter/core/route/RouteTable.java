package dev.logrouter.core.route;

import dev.logrouter.core.record.LogRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Routes compiled against a fixed list of sinks: {@link #match} gives the set of sinks a record goes
 * to, each at most once, as a bit mask over the sink indexes. Immutable and thread-safe.
 */
public final class RouteTable {

    /** The most sinks one router can feed (one bit each in a {@code long}). */
    public static final int MAX_SINKS = 64;

    private final RouteSpec[] routes;
    private final long[] masks;
    private final boolean transforms;

    private RouteTable(RouteSpec[] routes, long[] masks) {
        this.routes = routes;
        this.masks = masks;
        boolean any = false;
        for (RouteSpec r : routes) {
            any |= !r.transforms().isEmpty();
        }
        this.transforms = any;
    }

    /** Receives the records {@link #dispatch} routes. */
    @FunctionalInterface
    public interface Delivery {
        /** {@code r} goes to the sink with index {@code sink}. */
        void deliver(int sink, LogRecord r);
    }

    /** True when some route has transforms (then use {@link #dispatch}, not {@link #match}). */
    public boolean hasTransforms() {
        return transforms;
    }

    /** The routes, in order. */
    public List<RouteSpec> routes() {
        return List.of(routes);
    }

    /** Sink bit mask of route {@code i} of {@link #routes()}. */
    public long mask(int i) {
        return masks[i];
    }

    /**
     * Routes {@code r} through the routes' transforms: each sink gets the record at most once, as
     * the first matching route that names it made it (or nothing, when that route's transforms
     * dropped it). A route's transforms run once per record, however many sinks it names.
     */
    public void dispatch(LogRecord r, Delivery out) {
        long done = 0;
        for (int i = 0; i < routes.length; i++) {
            if ((done | masks[i]) != done && routes[i].matches(r)) {
                long fresh = masks[i] & ~done;
                done |= masks[i];
                LogRecord t = routes[i].transforms().apply(r);
                if (t == null) {
                    continue;
                }
                while (fresh != 0) {
                    int s = Long.numberOfTrailingZeros(fresh);
                    fresh &= fresh - 1;
                    out.deliver(s, t);
                }
            }
        }
    }

    /**
     * @throws IllegalArgumentException when a route names a sink not in {@code sinkNames}, or there
     *                                  are more than {@link #MAX_SINKS} sinks
     */
    public static RouteTable compile(List<RouteSpec> routes, List<String> sinkNames) {
        if (sinkNames.size() > MAX_SINKS) {
            throw new IllegalArgumentException("at most " + MAX_SINKS + " sinks are supported, got " + sinkNames.size());
        }
        List<RouteSpec> kept = new ArrayList<>();
        List<Long> masks = new ArrayList<>();
        for (RouteSpec r : routes) {
            long mask = 0;
            for (String sink : r.to()) {
                int i = sinkNames.indexOf(sink);
                if (i < 0) {
                    throw new IllegalArgumentException("route names unknown sink '" + sink + "'");
                }
                mask |= 1L << i;
            }
            if (mask != 0) {
                kept.add(r);
                masks.add(mask);
            }
        }
        long[] m = new long[masks.size()];
        for (int i = 0; i < m.length; i++) {
            m[i] = masks.get(i);
        }
        return new RouteTable(kept.toArray(new RouteSpec[0]), m);
    }

    /** Bit {@code i} is set when the record goes to sink {@code i}. */
    public long match(LogRecord r) {
        long all = 0;
        for (int i = 0; i < routes.length; i++) {
            if ((all | masks[i]) != all && routes[i].matches(r)) {
                all |= masks[i];
            }
        }
        return all;
    }
}
