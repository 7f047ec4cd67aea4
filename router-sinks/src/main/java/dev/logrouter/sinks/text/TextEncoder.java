package dev.logrouter.sinks.text;

import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.record.Rfc3339;
import dev.logrouter.sinks.encode.EncodedBuffer;
import dev.logrouter.sinks.encode.RecordEncoder;

/**
 * The human text form of a record, one line:
 * {@code 2024-07-02T19:22:51.974497577Z web[stderr] warning: message}. Control characters in the
 * message are escaped ({@code \n}, {@code \r}, {@code \t}, others as {@code \xHH}) so one record is
 * always one line; a partial record ends with {@code ↵} omitted, marked {@code [partial]}.
 */
public final class TextEncoder implements RecordEncoder {

    private final StringBuilder scratch = new StringBuilder(256);

    /** The text line of {@code r}, without a newline. Thread-safe. */
    public String encode(LogRecord r) {
        StringBuilder sb = new StringBuilder(64 + r.msg().length());
        append(sb, r);
        return sb.toString();
    }

    /** Appends the UTF-8 text line of {@code r}; reuses a buffer, so not thread-safe. */
    @Override
    public void encode(LogRecord r, EncodedBuffer out) {
        scratch.setLength(0);
        append(scratch, r);
        out.writeUtf8(scratch);
    }

    private static void append(StringBuilder sb, LogRecord r) {
        Rfc3339.append(sb, r.time());
        sb.append(' ').append(r.service()).append('[').append(r.stream()).append("] ")
                .append(r.level().label()).append(": ");
        appendEscaped(sb, r.msg());
        if (r.isPartial()) {
            sb.append(" [partial]");
        }
    }

    /** Appends {@code s} with control characters escaped so that it stays on one line. */
    public static void appendEscaped(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != 0x7f) {
                sb.append(c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else {
                sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            }
        }
    }
}
