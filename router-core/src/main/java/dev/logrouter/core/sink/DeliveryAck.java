package dev.logrouter.core.sink;

import dev.logrouter.core.record.LogRecord;

/**
 * How a sink tells its buffer how far it has delivered: {@code delivered(r)} means {@code r} and
 * every record the sink received before it are delivered (or dropped and counted by the sink). Calls
 * must follow the order in which the sink received the records; a call for a record already
 * covered is ignored. Any thread may call it.
 */
@FunctionalInterface
public interface DeliveryAck {

    /** Acknowledges nothing. */
    DeliveryAck NONE = r -> { };

    void delivered(LogRecord r);
}
