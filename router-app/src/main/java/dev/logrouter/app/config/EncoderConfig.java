package dev.logrouter.app.config;

import dev.logrouter.sinks.encode.EncoderSpec;
import dev.logrouter.sinks.encode.FieldSet;
import dev.logrouter.sinks.encode.Format;
import dev.logrouter.sinks.encode.Framing;
import java.util.Map;

/**
 * The encoder keys every network and file sink shares: {@code format}, {@code fields},
 * {@code extra_tags}, {@code host}, {@code include_cursor}, {@code facility}, {@code framing}.
 */
final class EncoderConfig {

    private EncoderConfig() {
    }

    static EncoderSpec spec(Format format, Format defaultFormat, FieldSet fields, Map<String, String> extraTags,
                            String host, Boolean includeCursor, String facility, Framing framing) {
        Format f = format == null ? defaultFormat : format;
        if (framing == Framing.OCTET_COUNTED && f != Format.RFC5424) {
            throw new IllegalArgumentException("framing: octet_counted is only for format: rfc5424");
        }
        if (fields != null && f != Format.JSON_LINES) {
            throw new IllegalArgumentException("fields: applies to format: json_lines only");
        }
        return new EncoderSpec(f, fields, extraTags, host, includeCursor != null && includeCursor, facility, framing);
    }
}
