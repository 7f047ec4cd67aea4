package dev.logrouter.sinks.encode;

import dev.logrouter.core.record.LogRecord;

/**
 * Turns one record into bytes. The output is one record without any framing (no trailing newline,
 * no length prefix); transports add the framing. Implementations are not thread-safe: each sink
 * makes its own instance with {@link EncoderSpec#newEncoder()}.
 */
public interface RecordEncoder {

    /** Appends the encoded record to {@code out}. */
    void encode(LogRecord r, EncodedBuffer out);

    /**
     * True when this encoder sends nothing for {@code r} (the Talos field set skips blank service
     * lines, as Talos does); the caller counts it as skipped instead of encoding it.
     */
    default boolean skips(LogRecord r) {
        return false;
    }

    /**
     * True when the output never contains a raw newline, so newline framing is safe (every encoder
     * of this package escapes control characters, so all of them return true).
     */
    default boolean singleLine() {
        return true;
    }

    /**
     * What a sink reports (last error) for a record this encoder failed on: the record's cursor and
     * the innermost cause's message, without Java class names.
     */
    static String failure(LogRecord r, RuntimeException e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return "cannot encode record " + r.cursor() + ": "
                + (m == null || m.isBlank() ? t.getClass().getSimpleName() : m);
    }
}
