package dev.logrouter.core.sink;

/**
 * How a sink tells its buffer how far it has delivered, by position: {@code delivered(n)} means the
 * first {@code n} records the sink received from the buffer's flux (the buffer's gap records
 * included) are delivered, or dropped and counted by the sink. A position, not a record, so that
 * neither the sink nor the buffer has to keep a record object for it: a sink that keeps what it may
 * re-send as encoded bytes holds no records at all. Calls come with growing {@code n}; one that does
 * not pass the last is ignored. Any thread may call it.
 */
@FunctionalInterface
public interface DeliveryAck {

    /** Acknowledges nothing. */
    DeliveryAck NONE = received -> { };

    void delivered(long received);
}
