package dev.logrouter.sinks.encode;

import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.record.Rfc3339;
import dev.logrouter.sinks.text.TextEncoder;

/**
 * LinuxKit {@code logread}'s line: {@code <time>;<source>;<msg>}, with {@code ;} in the source
 * escaped as {@code \;}. The source is the memlogd name: the service, with {@code .out} appended for
 * its stdout stream (LinuxKit's naming: stdout is {@code NAME.out}, stderr plain {@code NAME}).
 * Control characters in the message are escaped so that one record stays one line.
 */
final class LogreadEncoder implements RecordEncoder {

    private final StringBuilder sb = new StringBuilder(256);

    /**
     * The memlogd source name of a record: the raw name its memlogd client sent (field
     * {@code memlogd_name}), else the service with {@code .out} for stdout.
     */
    public static String memlogdName(LogRecord r) {
        if (r.fields().get(FieldNames.MEMLOGD_NAME) instanceof String raw) {
            return raw;
        }
        return "stdout".equals(r.stream()) && !r.service().endsWith(".out") ? r.service() + ".out" : r.service();
    }

    @Override
    public void encode(LogRecord r, EncodedBuffer out) {
        sb.setLength(0);
        Rfc3339.append(sb, r.time());
        sb.append(';');
        String src = memlogdName(r);
        for (int i = 0; i < src.length(); i++) {
            char c = src.charAt(i);
            if (c == ';') {
                sb.append("\\;");
            } else if (c < 0x20 || c == 0x7f) {
                sb.append('_');
            } else {
                sb.append(c);
            }
        }
        sb.append(';');
        TextEncoder.appendEscaped(sb, r.msg());
        out.writeUtf8(sb);
    }
}
