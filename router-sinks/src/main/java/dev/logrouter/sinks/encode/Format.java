package dev.logrouter.sinks.encode;

/** The {@code format:} of a sink. */
public enum Format {
    /** One JSON object per record ({@link JsonLinesEncoder}). */
    JSON_LINES,
    /** Human text line ({@link dev.logrouter.sinks.text.TextEncoder}). */
    TEXT,
    /** LinuxKit logread's {@code time;source;msg} ({@link LogreadEncoder}). */
    LOGREAD,
    /** Syslog RFC 5424 ({@link Rfc5424Encoder}). */
    RFC5424
}
