package dev.logrouter.sinks.encode;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a sink encodes records; immutable, shared by config and sinks. Every setting is given: the
 * defaults are the config's (docs/configuration.md).
 *
 * @param format        output format
 * @param fields        key set of {@code json_lines}
 * @param extraTags     keys added to every {@code json_lines} record, overriding others
 * @param host          host name for {@code json_lines} ({@code host} / {@code host.name}) and
 *                      {@code rfc5424} (HOSTNAME); null for none
 * @param includeCursor add the journal cursor to {@code json_lines} talos records
 * @param facility      default syslog facility of {@code rfc5424}
 * @param framing       stream framing ({@code octet_counted} only makes sense with {@code rfc5424})
 * @param extraFields   keys beyond Talos's own for {@code json_lines} talos records (see
 *                      {@link JsonLinesEncoder})
 */
public record EncoderSpec(Format format, FieldSet fields, Map<String, String> extraTags, String host,
                          boolean includeCursor, String facility, Framing framing, List<String> extraFields) {

    public EncoderSpec {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(fields, "fields");
        extraTags = extraTags == null ? Map.of() : Map.copyOf(extraTags);
        Objects.requireNonNull(facility, "facility");
        Objects.requireNonNull(framing, "framing");
        extraFields = extraFields == null ? List.of() : List.copyOf(extraFields);
        if (Rfc5424Encoder.facilityCode(facility) < 0) {
            throw new IllegalArgumentException("unknown syslog facility '" + facility + "'");
        }
    }

    /**
     * True for Talos json_lines, which sends nothing for a blank service line (see
     * {@link RecordEncoder#skips}); the router drops those before the sink (counted there).
     */
    public boolean skipsBlankLines() {
        return format == Format.JSON_LINES && fields == FieldSet.TALOS;
    }

    /** A new, single-threaded encoder. */
    public RecordEncoder newEncoder() {
        return format.newEncoder(this);
    }

    /** A new encoder that appends {@link #framing()} framing to each record. */
    public FramedEncoder newFramedEncoder() {
        return new FramedEncoder(newEncoder(), framing);
    }
}
