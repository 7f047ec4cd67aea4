package dev.logrouter.sinks.encode;

import dev.logrouter.sinks.text.TextEncoder;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The {@code format:} of a sink: how it builds its encoder from an {@link EncoderSpec} and which
 * {@link EncoderOption}s it takes. A new format is its encoder class and one constant here.
 */
public enum Format {
    /** One JSON object per record ({@link JsonLinesEncoder}). */
    JSON_LINES(EnumSet.of(EncoderOption.FIELDS, EncoderOption.EXTRA_FIELDS),
            s -> new JsonLinesEncoder(s.fields(), s.extraTags(), s.host(), s.includeCursor(), s.extraFields())),
    /** Human text line ({@link TextEncoder}). */
    TEXT(EnumSet.noneOf(EncoderOption.class), s -> new TextEncoder()),
    /** LinuxKit logread's {@code time;source;msg} ({@link LogreadEncoder}). */
    LOGREAD(EnumSet.noneOf(EncoderOption.class), s -> new LogreadEncoder()),
    /** Syslog RFC 5424 ({@link Rfc5424Encoder}). */
    RFC5424(EnumSet.of(EncoderOption.OCTET_COUNTED), s -> new Rfc5424Encoder(s.facility(), s.host()));

    private final Set<EncoderOption> options;
    private final Function<EncoderSpec, RecordEncoder> encoder;

    Format(Set<EncoderOption> options, Function<EncoderSpec, RecordEncoder> encoder) {
        this.options = options;
        this.encoder = encoder;
    }

    /** Whether this format takes {@code option}. */
    public boolean accepts(EncoderOption option) {
        return options.contains(option);
    }

    /** A new, single-threaded encoder of this format with the settings of {@code spec}. */
    RecordEncoder newEncoder(EncoderSpec spec) {
        return encoder.apply(spec);
    }

    /** The name the config writes, e.g. {@code json_lines}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The config names of the formats that take {@code option}, e.g. {@code json_lines or rfc5424}. */
    public static String namesAccepting(EncoderOption option) {
        return Arrays.stream(values()).filter(f -> f.accepts(option)).map(Format::configName)
                .collect(Collectors.joining(" or "));
    }
}
