package dev.logrouter.core.net;

/** What a network input carries per line (TCP) or datagram (UDP). */
public enum NetFormat {
    /** One JSON object per line or datagram; known keys are lifted into the record. */
    JSON_LINES,
    /** Plain text lines. */
    TEXT
}
