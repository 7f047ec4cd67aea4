package dev.logrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.transform.TransformSpec;
import dev.logrouter.sinks.encode.EncodedBuffer;
import dev.logrouter.sinks.encode.EncoderSpec;
import dev.logrouter.sinks.encode.RecordEncoder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransformConfigTest {

    private final ConfigLoader loader = new ConfigLoader(Map.of("HOME", "/home/test", "LOGROUTER_RUNTIME_DIR", "/tmp/lr-test"));

    private List<String> errors(String yaml) {
        try {
            loader.parse(yaml, "f.yaml");
        } catch (ConfigException e) {
            return e.problems().stream().map(p -> p.format("f.yaml")).toList();
        }
        throw new AssertionError("expected config errors for:\n" + yaml);
    }

    @Test
    void bindsTransformsOnRoutesAndSinks() throws Exception {
        RouterConfig c = loader.parse("""
                sources:
                  web: { type: exec, command: [web] }
                sinks:
                  out:
                    type: console
                    transforms:
                      - hostname: true
                      - rate_limit: { per: service, max: 100, interval: 1s }
                routes:
                  - from: [web]
                    to: [out]
                    transforms:
                      - parse: json
                      - add_fields: { cluster: prod }
                      - rename_fields: { user: user.name }
                      - drop_fields: [pid]
                """, "t.yaml");
        assertThat(c.sinks().get(0).transforms()).containsExactly(new TransformSpec.Hostname(),
                new TransformSpec.RateLimit(TransformSpec.Per.SERVICE, 100, Duration.ofSeconds(1)));
        assertThat(c.routes().get(0).transforms().specs()).containsExactly(new TransformSpec.ParseJson(),
                new TransformSpec.AddFields(Map.of("cluster", "prod")),
                new TransformSpec.RenameFields(Map.of("user", "user.name")),
                new TransformSpec.DropFields(List.of("pid")));
        LogRecord out = c.routes().get(0).transforms().apply(LogRecord.of(1, "web", "web", "stdout", Level.INFO,
                "{\"msg\":\"hi\",\"user\":\"bob\",\"pid\":3}"));
        assertThat(out.msg()).isEqualTo("hi");
        assertThat(out.fields()).containsExactly(Map.entry("cluster", "prod"), Map.entry("user.name", "bob"));
    }

    @Test
    void badTransformsAreReportedWithTheirPosition() {
        assertThat(errors("""
                sinks:
                  out: { type: console }
                routes:
                  - to: [out]
                    transforms:
                      - parse: xml
                      - { add_fields: { a: b }, drop_fields: [c] }
                      - rate_limit: { max: 0 }
                      - rate_limt: { max: 1 }
                """)).containsExactly(
                "f.yaml:6:9: routes[0].transforms[0]: unknown parser 'xml' (use json)",
                "f.yaml:7:9: routes[0].transforms[1]: a transform has exactly one of parse, add_fields, "
                        + "rename_fields, drop_fields, hostname, rate_limit (found 2)",
                "f.yaml:8:21: routes[0].transforms[2].rate_limit: rate_limit max must be at least 1",
                "f.yaml:9:9: routes[0].transforms[3].rate_limt: unknown key 'rate_limt'; did you mean 'rate_limit'? "
                        + "(allowed: parse, add_fields, "
                        + "rename_fields, drop_fields, hostname, rate_limit)");
        assertThat(errors("""
                sinks:
                  out: { type: console, transforms: { parse: json } }
                """)).singleElement().asString().contains("sinks.out.transforms: expected a list of transforms");
    }

    @Test
    void aTalosSinkDropsBlankServiceLinesBeforeItsBufferAndCountsThem() throws Exception {
        RouterConfig c = loader.parse("""
                sinks:
                  talos: { type: tcp, endpoint: "tcp://127.0.0.1:5044/", transforms: [ { add_fields: { a: b } } ] }
                  ecs: { type: udp, endpoint: "udp://127.0.0.1:5045/", fields: ecs }
                  text: { type: console }
                routes:
                  - to: [talos, ecs, text]
                """, "t.yaml");
        dev.logrouter.core.transform.TransformChain talos = c.sinks().get(0).transformChain();
        LogRecord blank = LogRecord.of(1, "fd", "web", "stdout", Level.INFO, " \t ");
        assertThat(talos.apply(blank)).isNull();
        assertThat(talos.blank()).isEqualTo(1);
        LogRecord kernel = new LogRecord(0, 1, "kmsg", "kernel", "kernel", Level.INFO, "", Map.of(),
                LogRecord.Kind.NORMAL);
        assertThat(talos.apply(kernel)).isNotNull();
        assertThat(talos.apply(LogRecord.of(1, "fd", "web", "stdout", Level.INFO, "x")).fields()).containsEntry("a", "b");
        assertThat(c.sinks().get(1).transformChain().isEmpty()).isTrue();
        assertThat(c.sinks().get(2).transformChain().isEmpty()).isTrue();
    }

    @Test
    void extraFieldsOptIntoKeysTalosNeverSends() throws Exception {
        RouterConfig c = loader.parse("""
                sinks:
                  fb: { type: udp, endpoint: "udp://127.0.0.1:5140/", extra_fields: [stream, memlogd_name, cursor] }
                routes:
                  - to: [fb]
                """, "t.yaml");
        UdpSinkType.Config u = (UdpSinkType.Config) c.sinks().get(0).config();
        EncoderSpec spec = u.encoding().spec();
        RecordEncoder enc = spec.newEncoder();
        EncodedBuffer b = new EncodedBuffer();
        enc.encode(new LogRecord(7, 0, "fd", "web", "stdout", Level.INFO, "hi", Map.of("memlogd_name", "web.out"),
                LogRecord.Kind.NORMAL), b);
        assertThat(b.toString()).isEqualTo("{\"cursor\":7,\"memlogd_name\":\"web.out\",\"msg\":\"hi\","
                + "\"stream\":\"stdout\",\"talos-level\":\"info\",\"talos-service\":\"web\","
                + "\"talos-time\":\"1970-01-01T00:00:00Z\"}");
        assertThat(errors("""
                sinks:
                  f: { type: file, path: /tmp/x.log, format: text, extra_fields: [stream] }
                """)).singleElement().asString().contains("extra_fields: applies to format: json_lines with fields: talos only");
    }
}
