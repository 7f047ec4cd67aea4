package dev.logrouter.sinks.console;

import dev.logrouter.sinks.testsupport.TestSpecs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.sinks.encode.EncoderSpec;
import dev.logrouter.sinks.encode.Format;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

class ConsoleSinkTest {

    private static final long T = 1_719_948_171_974_497_577L; // 2024-07-02T19:22:51.974497577Z

    @Test
    void logreadFormatEchoesRecordsAsMemlogdPrintsThem() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConsoleSink sink = new ConsoleSink("console", out, TestSpecs.encoder(Format.LOGREAD));
        sink.write(Flux.just(
                new LogRecord(1, T, "fd", "hello", "stdout", Level.INFO, "out-line", Map.of("memlogd_name", "hello.out"),
                        LogRecord.Kind.NORMAL),
                new LogRecord(2, T, "fd", "a;b", "stderr", Level.INFO, "bad \ufffd\ufffd\ufffd byte", Map.of(),
                        LogRecord.Kind.NORMAL)))
                .block(Duration.ofSeconds(5));
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
                "2024-07-02T19:22:51.974497577Z;hello.out;out-line\n"
                        + "2024-07-02T19:22:51.974497577Z;a\\;b;bad \ufffd\ufffd\ufffd byte\n");
    }

    @Test
    void textIsTheDefault() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ConsoleSink("console", out, TestSpecs.encoder(Format.TEXT)).write(Flux.just(LogRecord.of(T, "x", "web", "stderr", Level.WARNING, "m")))
                .block(Duration.ofSeconds(5));
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("2024-07-02T19:22:51.974497577Z web[stderr] warning: m\n");
    }

    @Test
    void writtenCountsRecordsAndBytesPrinted() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConsoleSink sink = new ConsoleSink("screen", out, TestSpecs.encoder(Format.TEXT));
        assertThat(sink.counters().tracksSettlement()).isTrue();
        sink.write(Flux.range(1, 3).map(i -> LogRecord.of(LogRecord.now(), "src", "web", "stdout", Level.INFO,
                "line " + i + " é"))).block(Duration.ofSeconds(10));
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8).lines()).hasSize(3);
        assertThat(sink.state().written()).isEqualTo(3);
        assertThat(sink.state().dropped()).isZero();
        assertThat(sink.state().writtenBytes()).isEqualTo(out.size());
    }

    /** A field value nested {@code depth} lists deep. */
    static Object nested(int depth) {
        Object v = java.util.List.of();
        for (int i = 1; i < depth; i++) {
            v = java.util.List.of(v);
        }
        return v;
    }

    @Test
    void aRecordTheEncoderCannotEncodeIsCountedAndTheSinkGoesOn() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EncoderSpec ecs = TestSpecs.encoder(Format.JSON_LINES, dev.logrouter.sinks.encode.FieldSet.ECS, Map.of(), null,
                false, null, null);
        ConsoleSink sink = new ConsoleSink("screen", out, ecs);
        // deeper than the ECS JSON writer allows under "fields"
        LogRecord tooDeep = LogRecord.of(T, "src", "web", "stdout", Level.INFO, "deep")
                .withFields(Map.of("deep", nested(1000)));
        sink.write(Flux.just(LogRecord.of(T, "src", "web", "stdout", Level.INFO, "before"), tooDeep,
                LogRecord.of(T, "src", "web", "stdout", Level.INFO, "after"))).block(Duration.ofSeconds(10));
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).hasSize(2)
                .anySatisfy(l -> assertThat(l).contains("\"message\":\"before\""))
                .anySatisfy(l -> assertThat(l).contains("\"message\":\"after\""));
        assertThat(sink.state().written()).isEqualTo(2);
        assertThat(sink.state().dropped()).isEqualTo(1);
        assertThat(sink.state().droppedEncode()).isEqualTo(1);
        assertThat(sink.state().lastError()).startsWith("cannot encode record").doesNotContain("Exception");
        assertThat(sink.counters().settled()).isEqualTo(3);
    }

    @Test
    void blankLinesATalosConsoleSkipsAreSettledNotLost() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConsoleSink sink = new ConsoleSink("screen", out, TestSpecs.jsonLines());
        sink.write(Flux.just(LogRecord.of(T, "src", "web", "stdout", Level.INFO, " \t "),
                LogRecord.of(T, "src", "web", "stdout", Level.INFO, "x"))).block(Duration.ofSeconds(10));
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).hasSize(1);
        assertThat(sink.state().skipped()).isEqualTo(1);
        assertThat(sink.counters().settled()).isEqualTo(2);
    }
}
