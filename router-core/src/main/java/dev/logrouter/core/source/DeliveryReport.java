package dev.logrouter.core.source;

import dev.logrouter.core.record.LogRecord;

/**
 * How the router tells a source how far its records are delivered (see {@link LogSource#trackDelivery}):
 * {@code delivered(r)} means {@code r}, as stored with its cursor, and every record the source emitted
 * before it are delivered. Calls come in the order the source emitted the records.
 */
@FunctionalInterface
public interface DeliveryReport {

    void delivered(LogRecord r);
}
