package dev.logrouter.app.config;

/**
 * The {@code metrics:} block.
 *
 * @param listen {@code host:port} of the Prometheus {@code /metrics} and {@code /health} endpoint
 */
public record MetricsConfig(@Required String listen) {

    public MetricsConfig {
        if (listen != null && !listen.matches("(\\[[0-9a-fA-F:]+]|[^:\\s]+):\\d{1,5}")) {
            throw new IllegalArgumentException("listen must be host:port, e.g. 127.0.0.1:9880, was '" + listen + "'");
        }
    }
}
