package dev.logrouter.app.daemon;

import dev.logrouter.app.config.QueryConfig;
import dev.logrouter.app.config.RouterConfig;
import dev.logrouter.app.metrics.MetricsServer;
import dev.logrouter.app.query.QueryServer;
import dev.logrouter.app.query.QuerySettings;
import dev.logrouter.app.status.StatusReport;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Starts the operator endpoints of a running daemon, the query socket and (when {@code metrics} is
 * configured) the metrics endpoint, and registers them to be closed first on stop.
 */
final class DaemonEndpoints {

    private DaemonEndpoints() {
    }

    static void start(Daemon d, long startedMillis) {
        RouterConfig c = d.config();
        QueryConfig q = c.query();
        AtomicReference<QueryServer> query = new AtomicReference<>();
        Supplier<StatusReport> status = () -> {
            QueryServer s = query.get();
            return StatusReport.of(d.router(), startedMillis, s == null ? null : s.socket().toString(),
                    s == null ? null : s.counters());
        };
        if (q != null && q.socket() != null) {
            ConfigReload reloads = d.reloads();
            QueryServer s = QueryServer.start(new QuerySettings(q.socket(), q.mode(), q.allowUids(), q.allowGids(),
                    null), d.journal(), status, reloads == null ? null : reloads::request);
            query.set(s);
            d.addService(s);
        }
        if (c.metrics() != null) {
            d.addService(MetricsServer.start(c.metrics().listen(), status));
        }
    }
}
