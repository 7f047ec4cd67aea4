package dev.logrouter.sinks.encode;

import dev.logrouter.core.record.Facility;
import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.record.Rfc3339;
import dev.logrouter.sinks.text.TextEncoder;

/**
 * A syslog message per RFC 5424: {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG}.
 * APP-NAME is the service, MSGID the stream, the timestamp has microseconds (the RFC allows at most
 * six digits), structured data {@code [logrouter@32473 cursor="N" source="..."]}. The facility is the
 * record's {@code facility} field when it names one (kernel records), else the configured default.
 * Control characters in the message are escaped, so LF framing is always safe.
 */
final class Rfc5424Encoder implements RecordEncoder {

    private final int defaultFacility;
    private final String host;
    private final StringBuilder sb = new StringBuilder(256);

    /**
     * @param facility default facility name ({@code user}, {@code daemon}, {@code local0}...)
     * @param host     HOSTNAME field, or null for {@code -}
     */
    public Rfc5424Encoder(String facility, String host) {
        int f = facilityCode(facility == null ? "user" : facility);
        if (f < 0) {
            throw new IllegalArgumentException("unknown syslog facility '" + facility + "' (use kern, user, daemon, "
                    + "local0..local7, ...)");
        }
        this.defaultFacility = f;
        this.host = host == null || host.isEmpty() ? "-" : printable(host, 255);
    }

    /** Facility number of a name, or -1. */
    public static int facilityCode(String name) {
        Facility f = Facility.parse(name);
        return f == null ? -1 : f.code();
    }

    @Override
    public void encode(LogRecord r, EncodedBuffer out) {
        int facility = defaultFacility;
        Object f = r.fields().get(FieldNames.FACILITY);
        if (f instanceof String s && facilityCode(s) >= 0) {
            facility = facilityCode(s);
        }
        sb.setLength(0);
        sb.append('<').append(facility * 8 + r.level().code()).append(">1 ");
        Rfc3339.append(sb, r.time(), 6);
        sb.append(' ').append(host).append(' ').append(printable(r.service(), 48)).append(" - ")
                .append(printable(r.stream(), 32)).append(" [logrouter@32473 cursor=\"").append(r.cursor())
                .append("\" source=\"");
        paramValue(r.source());
        sb.append('"');
        if (r.isGap()) {
            sb.append(" lost=\"").append(r.lost()).append('"');
        }
        if (r.isPartial()) {
            sb.append(" partial=\"true\"");
        }
        sb.append("] ");
        TextEncoder.appendEscaped(sb, r.msg());
        out.writeUtf8(sb);
    }

    private void paramValue(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"' || c == '\\' || c == ']') {
                sb.append('\\');
            }
            sb.append(c < 0x20 || c == 0x7f ? '_' : c);
        }
    }

    /** RFC 5424 header fields are PRINTUSASCII (33..126), bounded length, {@code -} when empty. */
    static String printable(String s, int max) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), max));
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            b.append(c >= 33 && c <= 126 ? c : '_');
        }
        return b.length() == 0 ? "-" : b.toString();
    }
}
