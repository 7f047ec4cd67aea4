package dev.logrouter.sinks.encode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.sinks.text.TextEncoder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each format builds its own encoder and names the options it takes; nothing else lists formats. */
class FormatTest {

    private static EncoderSpec spec(Format f) {
        return new EncoderSpec(f, FieldSet.TALOS, Map.of(), "h", false, "user", Framing.LF, List.of());
    }

    @Test
    void everyFormatBuildsItsEncoder() {
        assertThat(spec(Format.JSON_LINES).newEncoder()).isInstanceOf(JsonLinesEncoder.class);
        assertThat(spec(Format.TEXT).newEncoder()).isInstanceOf(TextEncoder.class);
        assertThat(spec(Format.LOGREAD).newEncoder()).isInstanceOf(LogreadEncoder.class);
        assertThat(spec(Format.RFC5424).newEncoder()).isInstanceOf(Rfc5424Encoder.class);
        for (Format f : Format.values()) {
            assertThat(spec(f).newEncoder()).as(f.name()).isNotNull();
            // a new encoder each time: encoders are single-threaded
            assertThat(spec(f).newEncoder()).as(f.name()).isNotSameAs(spec(f).newEncoder());
        }
    }

    @Test
    void theOptionsAFormatTakesAreTheFormatsOwn() {
        assertThat(Format.JSON_LINES.accepts(EncoderOption.FIELDS)).isTrue();
        assertThat(Format.JSON_LINES.accepts(EncoderOption.OCTET_COUNTED)).isFalse();
        assertThat(Format.RFC5424.accepts(EncoderOption.OCTET_COUNTED)).isTrue();
        assertThat(Format.TEXT.accepts(EncoderOption.FIELDS)).isFalse();
        assertThat(Format.namesAccepting(EncoderOption.FIELDS)).isEqualTo("json_lines");
        assertThat(Format.namesAccepting(EncoderOption.EXTRA_FIELDS)).isEqualTo("json_lines");
        assertThat(Format.namesAccepting(EncoderOption.OCTET_COUNTED)).isEqualTo("rfc5424");
    }
}
