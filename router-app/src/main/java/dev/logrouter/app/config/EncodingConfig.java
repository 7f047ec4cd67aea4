package dev.logrouter.app.config;

import dev.logrouter.sinks.encode.EncoderOption;
import dev.logrouter.sinks.encode.EncoderSpec;
import dev.logrouter.sinks.encode.FieldSet;
import dev.logrouter.sinks.encode.Format;
import dev.logrouter.sinks.encode.Framing;
import java.util.List;
import java.util.Map;

/**
 * The encoder keys of a sink, bound inline in the sink's block (see {@link Block}); a sink type
 * narrows them to what its transport supports and may change the default {@code format}. The key
 * combinations are checked here, once for every sink.
 */
record EncodingConfig(
        @Default("json_lines")
        @Doc("`json_lines`, `text`, `logread` (memlogd's console echo, `time;source;msg`) or `rfc5424` "
                + "([sinks.md](sinks.md#encoders-format))")
        Format format,
        @Doc(value = "json_lines keys: `talos` or `ecs`", absent = "`" + EncodingConfig.JSON_FIELDS + "`")
        FieldSet fields,
        @Doc(value = "string map added to every json_lines record (talos: service records only, as in Talos); "
                + "a tag **replaces** any other key of the same name", absent = "none")
        Map<String, String> extraTags,
        @Doc(value = "host name put in records: `host` (talos), `host.name` (ecs), the HOSTNAME field (rfc5424)",
                absent = "none (`-` in rfc5424)")
        String host,
        @Default("false")
        @Doc("json_lines talos: add the journal cursor, so that duplicates can be recognised (same as `cursor` "
                + "in `extra_fields`)")
        Boolean includeCursor,
        @Default("user")
        @Doc("rfc5424: facility of non-kernel records (`kern`, `user`, `daemon`, `local0`..`local7`, ...); "
                + "kernel records keep their own")
        String facility,
        @Default("lf")
        @Doc("`lf` (newline after each message) or `octet_counted` (RFC 6587 `LEN SP MSG`; rfc5424 only)")
        Framing framing,
        @Doc(value = "json_lines talos: keys Talos never sends, by name: `cursor` (journal position), `stream`, "
                + "`source`, `partial`, `truncated`, `memlogd_name`, or any record field", absent = "none")
        List<String> extraFields) {

    /**
     * The key set when {@code fields} is left out; not a {@link Default}, because a given
     * {@code fields} is refused for the formats without keys.
     */
    static final String JSON_FIELDS = "talos";

    EncodingConfig {
        if (format == null) {
            throw new IllegalStateException("a sink's encoding has no format; @Default gives one");
        }
        // which format takes which option is the format's own knowledge (Format), not listed here
        if (framing == Framing.OCTET_COUNTED && !format.accepts(EncoderOption.OCTET_COUNTED)) {
            throw new IllegalArgumentException("framing: octet_counted is only for format: "
                    + Format.namesAccepting(EncoderOption.OCTET_COUNTED));
        }
        if (fields != null && !format.accepts(EncoderOption.FIELDS)) {
            throw new IllegalArgumentException("fields: applies to format: "
                    + Format.namesAccepting(EncoderOption.FIELDS) + " only");
        }
        if (extraFields != null && (!format.accepts(EncoderOption.EXTRA_FIELDS)
                || (fields != null && fields != FieldSet.TALOS))) {
            throw new IllegalArgumentException("extra_fields: applies to format: "
                    + Format.namesAccepting(EncoderOption.EXTRA_FIELDS) + " with fields: talos only");
        }
    }

    EncoderSpec spec() {
        return new EncoderSpec(format, fields != null ? fields : (FieldSet) ConfigBinder.scalar(JSON_FIELDS,
                FieldSet.class), extraTags, host, includeCursor, facility, framing, extraFields);
    }
}
