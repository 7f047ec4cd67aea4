package dev.logrouter.app.config;

import dev.logrouter.sinks.encode.EncoderSpec;
import dev.logrouter.sinks.encode.FieldSet;
import dev.logrouter.sinks.encode.Format;
import dev.logrouter.sinks.encode.Framing;
import java.util.List;
import java.util.Map;

/**
 * The encoder keys every network and file sink shares: {@code format}, {@code fields},
 * {@code extra_tags}, {@code host}, {@code include_cursor}, {@code facility}, {@code framing},
 * {@code extra_fields}.
 */
final class EncoderConfig {

    private EncoderConfig() {
    }

    static EncoderSpec spec(Format format, Format defaultFormat, FieldSet fields, Map<String, String> extraTags,
                            String host, Boolean includeCursor, String facility, Framing framing) {
        return spec(format, defaultFormat, fields, extraTags, host, includeCursor, facility, framing, null);
    }

    static EncoderSpec spec(Format format, Format defaultFormat, FieldSet fields, Map<String, String> extraTags,
                            String host, Boolean includeCursor, String facility, Framing framing,
                            List<String> extraFields) {
        Format f = format == null ? defaultFormat : format;
        if (framing == Framing.OCTET_COUNTED && f != Format.RFC5424) {
            throw new IllegalArgumentException("framing: octet_counted is only for format: rfc5424");
        }
        if (fields != null && f != Format.JSON_LINES) {
            throw new IllegalArgumentException("fields: applies to format: json_lines only");
        }
        if (extraFields != null && (f != Format.JSON_LINES || (fields != null && fields != FieldSet.TALOS))) {
            throw new IllegalArgumentException("extra_fields: applies to format: json_lines with fields: talos only");
        }
        return new EncoderSpec(f, fields, extraTags, host, includeCursor != null && includeCursor, facility, framing,
                extraFields);
    }
}
