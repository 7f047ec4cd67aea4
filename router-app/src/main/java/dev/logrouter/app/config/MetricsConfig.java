package dev.logrouter.app.config;

/** The {@code metrics:} block; without it there is no metrics endpoint. */
public record MetricsConfig(
        @Required @Doc("`host:port` of the Prometheus `/metrics` and `/health` endpoint ([metrics.md](metrics.md))")
        String listen) {

    public MetricsConfig {
        if (listen != null && !listen.matches("(\\[[0-9a-fA-F:]+]|[^:\\s]+):\\d{1,5}")) {
            throw new IllegalArgumentException("listen must be host:port, e.g. 127.0.0.1:9880, was '" + listen + "'");
        }
    }
}
