package dev.logrouter.core.sink;

/** What a full sink buffer does with the next record. */
public enum WhenFull {
    /** Drop the oldest buffered record (default): the newest records always get through. */
    DROP_OLDEST,
    /** Drop the incoming record. */
    DROP_NEWEST,
    /** Make the producer wait: slows only the sources routed to this sink. */
    BLOCK
}
