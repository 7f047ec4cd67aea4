package dev.logrouter.sinks.encode;

/** Which keys a {@code json_lines} record carries. */
public enum FieldSet {
    /**
     * Talos's keys (default). Service records: {@code msg}, {@code talos-level}, {@code talos-service},
     * {@code talos-time}, then the record's own fields. Kernel records (stream {@code kernel}):
     * {@code clock}, {@code facility}, {@code msg}, {@code priority}, {@code seq}, {@code talos-level},
     * {@code talos-time} and nothing else.
     */
    TALOS,
    /**
     * Elastic Common Schema: {@code @timestamp}, {@code message}, {@code log.level},
     * {@code service.name}, {@code host.name}, {@code event.sequence}, source and stream under
     * {@code labels}, the record's own fields under {@code fields}.
     */
    ECS
}
