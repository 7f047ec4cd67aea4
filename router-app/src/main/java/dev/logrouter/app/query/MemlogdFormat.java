package dev.logrouter.app.query;

import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.record.Rfc3339;
import java.nio.charset.StandardCharsets;

/**
 * The LinuxKit memlogd wire form of a record and the {@code logread} text form.
 *
 * <p>JSON line: {@code {"time":"2024-07-02T19:22:51.974497577Z","source":"hello.out","msg":"out-line"}\n},
 * keys in that order, escaped exactly as Go's {@code encoding/json} does it (memlogd's encoder):
 * {@code "} and {@code \} with a backslash, {@code \b \f \n \r \t} by name, other control characters
 * below 0x20 as lower-case {@code \}{@code u00xx}, {@code < > &} as {@code \}{@code u003c}
 * {@code \}{@code u003e} {@code \}{@code u0026}, U+2028/U+2029 as escapes. U+FFFD is written as the
 * escape {@code \}{@code ufffd}, which is what Go writes for an invalid UTF-8 byte (our records
 * already carry U+FFFD for those bytes); a JSON reader decodes both to the same character.
 *
 * <p>The {@code source} of a record: the raw name a memlogd client sent with its fd when the record
 * carries the field {@value FieldNames#MEMLOGD_NAME}; otherwise the service, with {@code .out} appended
 * for stream {@code stdout} (LinuxKit's naming: stdout is {@code NAME.out}, stderr plain
 * {@code NAME}).
 */
public final class MemlogdFormat {


    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private MemlogdFormat() {
    }

    /** The memlogd {@code source} value of a record; see the class comment. */
    public static String source(LogRecord r) {
        Object raw = r.fields().get(FieldNames.MEMLOGD_NAME);
        if (raw instanceof String s) {
            return s;
        }
        return "stdout".equals(r.stream()) ? r.service() + ".out" : r.service();
    }

    /** The JSON line, newline included. */
    public static String jsonLine(LogRecord r) {
        String msg = r.msg();
        String source = source(r);
        StringBuilder sb = new StringBuilder(64 + msg.length() + source.length());
        sb.append("{\"time\":\"");
        Rfc3339.append(sb, r.time());
        sb.append("\",\"source\":");
        appendGoString(sb, source);
        sb.append(",\"msg\":");
        appendGoString(sb, msg);
        sb.append("}\n");
        return sb.toString();
    }

    /** The JSON line as UTF-8 bytes. */
    public static byte[] jsonLineBytes(LogRecord r) {
        return jsonLine(r).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The line LinuxKit's {@code logread} prints for a record, newline included:
     * {@code <time>;<source with ; escaped as \;>;<msg>}, the message unescaped.
     */
    public static String logreadLine(LogRecord r) {
        StringBuilder sb = new StringBuilder(64 + r.msg().length());
        Rfc3339.append(sb, r.time());
        sb.append(';').append(source(r).replace(";", "\\;")).append(';').append(r.msg()).append('\n');
        return sb.toString();
    }

    /** Appends {@code s} as a quoted JSON string with Go's {@code encoding/json} escaping. */
    static void appendGoString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '<': case '>': case '&': case '\u2028': case '\u2029': case '\ufffd':
                    unicodeEscape(sb, c);
                    break;
                default:
                    if (c < 0x20) {
                        unicodeEscape(sb, c);
                    } else if (Character.isSurrogate(c) && !validSurrogatePair(s, i)) {
                        // a lone surrogate cannot be UTF-8 encoded: Go would see an invalid byte
                        unicodeEscape(sb, '\ufffd');
                    } else if (Character.isHighSurrogate(c)) {
                        sb.append(c).append(s.charAt(++i));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }

    private static boolean validSurrogatePair(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }

    private static void unicodeEscape(StringBuilder sb, char c) {
        sb.append("\\u").append(HEX[(c >> 12) & 15]).append(HEX[(c >> 8) & 15]).append(HEX[(c >> 4) & 15])
                .append(HEX[c & 15]);
    }
}
