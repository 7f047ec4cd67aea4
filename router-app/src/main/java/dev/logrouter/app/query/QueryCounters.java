package dev.logrouter.app.query;

import java.util.concurrent.atomic.AtomicLong;

/** Live counters of the query socket; thread-safe. */
public final class QueryCounters {

    final AtomicLong connections = new AtomicLong();
    final AtomicLong active = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong timedOut = new AtomicLong();
    final AtomicLong badRequests = new AtomicLong();
    final AtomicLong recordsSent = new AtomicLong();
    final AtomicLong gapsSent = new AtomicLong();

    /** Connections accepted since start. */
    public long connections() {
        return connections.get();
    }

    /** Connections open now. */
    public long active() {
        return active.get();
    }

    /** Peers refused by {@code allow_uids}/{@code allow_gids}. */
    public long refused() {
        return refused.get();
    }

    /** Clients disconnected because they sent no request in time. */
    public long timedOut() {
        return timedOut.get();
    }

    /** Unknown first bytes and malformed requests. */
    public long badRequests() {
        return badRequests.get();
    }

    /** Records written to clients. */
    public long recordsSent() {
        return recordsSent.get();
    }

    /** Records that readers missed because they fell behind (sum of the gap records' counts). */
    public long gapsSent() {
        return gapsSent.get();
    }
}
