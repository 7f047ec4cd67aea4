package dev.logrouter.core.sink;

/** What became of a record offered with {@link SinkBuffer#tryOffer}. */
public enum Admission {
    /** The buffer took the record. */
    ACCEPTED,
    /** The buffer dropped a record under its {@code when_full} policy (counted), or is closed. */
    DROPPED,
    /**
     * {@code when_full: block} and full: the buffer did not take the record; the producer keeps it and
     * is called back when there is room.
     */
    FULL
}
