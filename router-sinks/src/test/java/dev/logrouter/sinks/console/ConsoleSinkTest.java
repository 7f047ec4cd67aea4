package dev.logrouter.sinks.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

class ConsoleSinkTest {

    @Test
    void writtenCountsRecordsAndBytesPrinted() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConsoleSink sink = new ConsoleSink("screen", out);
        assertThat(sink.tracksSettlement()).isTrue();
        sink.write(Flux.range(1, 3).map(i -> LogRecord.of(LogRecord.now(), "src", "web", "stdout", Level.INFO,
                "line " + i + " é"))).block(Duration.ofSeconds(10));
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8).lines()).hasSize(3);
        assertThat(sink.state().written()).isEqualTo(3);
        assertThat(sink.state().dropped()).isZero();
        assertThat(sink.writtenBytes()).isEqualTo(out.size());
    }
}
