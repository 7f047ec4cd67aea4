package dev.logrouter.app.config;

import dev.logrouter.core.journal.JournalSpec;
import dev.logrouter.core.route.RouteSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * A whole validated config, ready to build a router from. Immutable.
 *
 * @param file       where it came from ({@code <built-in>} for the default)
 * @param runtimeDir directory for this instance's sockets and state
 * @param journal    journal bounds
 * @param sources    sources in file order
 * @param sinks      sinks in file order
 * @param routes     routes in file order
 * @param query      query socket settings (defaults filled in)
 * @param metrics    metrics endpoint, or {@code null} when not configured
 */
public record RouterConfig(String file, Path runtimeDir, JournalSpec journal, List<SourceDef> sources,
                           List<SinkDef> sinks, List<RouteSpec> routes, QueryConfig query, MetricsConfig metrics) {

    public RouterConfig {
        sources = List.copyOf(sources);
        sinks = List.copyOf(sinks);
        routes = List.copyOf(routes);
    }
}
