package dev.logrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.JournalSpec;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.sinks.kafka.KafkaSink;
import dev.logrouter.sinks.tcp.TcpSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * The component model: types found through ServiceLoader, shared blocks bound and checked once and
 * narrowed per type, and the blackhole sink that proves a new type is one class.
 */
class ComponentModelTest {

    @TempDir
    Path dir;

    private RouterConfig parse(String yaml) throws ConfigException {
        return new ConfigLoader(Map.of(ConfigLoader.RUNTIME_DIR_VARIABLE, dir.toString())).parse(yaml, "t.yaml");
    }

    private List<String> errors(String yaml) {
        try {
            parse(yaml);
            return List.of();
        } catch (ConfigException e) {
            return e.problems().stream().map(p -> p.format("t.yaml")).toList();
        }
    }

    @Test
    void everyTypeIsFoundThroughItsServicesLineInTheirOrder() {
        assertThat(ComponentTypes.SOURCES).extracting(SourceType::type)
                .containsExactly("exec", "kmsg", "fd_socket", "syslog", "tcp", "udp");
        assertThat(ComponentTypes.SINKS).extracting(SinkType::type)
                .containsExactly("console", "tcp", "udp", "file", "kafka", "blackhole");
        assertThat(ComponentTypes.SINKS_BY_TYPE.get("blackhole")).isInstanceOf(BlackholeSinkType.class);
    }

    @Test
    void theBlackholeSinkCountsAndDiscardsEveryRecord() throws Exception {
        RouterConfig c = parse("""
                sinks:
                  nowhere: { type: blackhole, batch_events: 16, buffer: { max_events: 1000 } }
                routes: [ { to: [nowhere] } ]
                """);
        try (Journal j = Journal.create(new JournalSpec(5000, 8L << 20))) {
            LogSink sink = c.sinks().get(0).create(new RouterEnv(dir, j));
            assertThat(sink.type()).isEqualTo("blackhole");
            assertThat(sink.counters().tracksSettlement()).isTrue();
            StepVerifier.create(sink.write(Flux.range(0, 1000)
                            .map(i -> LogRecord.of(i, "src", "web", "stdout", Level.INFO, "line " + i))))
                    .verifyComplete();
            assertThat(sink.state().written()).isEqualTo(1000);
            assertThat(sink.state().dropped()).isZero();
            assertThat(sink.counters().settled()).isEqualTo(1000);
        }
        assertThat(errors("sinks:\n  n: { type: blackhole, batch_events: 0 }\n"))
                .containsExactly("t.yaml:2:6: sinks.n: batch_events must be at least 1");
        assertThat(errors("sinks:\n  n: { type: blackhole, format: text }\n"))
                .containsExactly("t.yaml:2:25: sinks.n.format: unknown key 'format' (allowed: type, buffer, "
                        + "transforms, batch_events)");
    }

    @Test
    void theFormatKeysDocNamesEveryFormat() throws Exception {
        // @Doc must be a constant, so the list is written by hand: this keeps it whole when a format is added
        String doc = java.util.Arrays.stream(EncodingConfig.class.getRecordComponents())
                .filter(c -> c.getName().equals("format")).findFirst().orElseThrow().getAnnotation(Doc.class).value();
        for (dev.logrouter.sinks.encode.Format f : dev.logrouter.sinks.encode.Format.values()) {
            assertThat(doc).as("the format key's @Doc in EncodingConfig").contains("`" + f.configName() + "`");
        }
    }

    @Test
    void aTypeTakesOnlyTheSharedKeysItNarrowsTo() {
        assertThat(errors("sinks:\n  c: { type: console, fields: ecs }\n"))
                .singleElement().asString().contains("unknown key 'fields'", "(allowed: type, buffer, transforms, format)");
        assertThat(errors("sinks:\n  u: { type: udp, endpoint: \"udp://127.0.0.1:9/\", framing: lf }\n"))
                .singleElement().asString().contains("unknown key 'framing'");
        assertThat(errors("sinks:\n  t: { type: tcp, endpoint: \"tcp://127.0.0.1:9/\", tls: { verify_hostname: false } }\n"))
                .singleElement().asString().contains("sinks.t.tls.verify_hostname: unknown key 'verify_hostname'",
                        "(allowed: ca, cert, key, verify)");
        assertThat(errors("sinks:\n  k: { type: kafka, bootstrap_servers: \"h:9092\", tls: { verify: false } }\n"))
                .singleElement().asString().contains("sinks.k.tls.verify: unknown key 'verify'",
                        "(allowed: ca, cert, key, verify_hostname)");
    }

    @Test
    void aSharedBlockIsCheckedOnceForEveryTypeThatHasIt() throws Exception {
        // the tls files: checked at load for kafka as for tcp
        for (String sink : List.of("{ type: tcp, endpoint: \"tcp://127.0.0.1:9/\"",
                "{ type: kafka, bootstrap_servers: \"h:9092\"")) {
            assertThat(errors("sinks:\n  s: " + sink + ", tls: { ca: " + dir.resolve("no-ca.pem") + " } }\n"))
                    .singleElement().asString().contains("sinks.s.tls: tls ca file", "does not exist");
        }
        // the encoder combinations: the same message from every sink with an encoder
        for (String sink : List.of("{ type: tcp, endpoint: \"tcp://127.0.0.1:9/\"", "{ type: udp, endpoint: \"udp://127.0.0.1:9/\"",
                "{ type: file, path: \"" + dir + "/x.log\"", "{ type: kafka, bootstrap_servers: \"h:9092\"")) {
            assertThat(errors("sinks:\n  s: " + sink + ", format: text, fields: ecs }\n")).as(sink)
                    .containsExactly("t.yaml:2:6: sinks.s: fields: applies to format: json_lines only");
        }
        // which format takes octet counting comes from the format
        assertThat(errors("sinks:\n  s: { type: tcp, endpoint: \"tcp://127.0.0.1:9/\", framing: octet_counted }\n"))
                .containsExactly("t.yaml:2:6: sinks.s: framing: octet_counted is only for format: rfc5424");
        // backoff: the same rule for a restarting source and a reconnecting sink
        assertThat(errors("sinks:\n  s: { type: tcp, endpoint: \"tcp://127.0.0.1:9/\", backoff_min: 1m }\n"))
                .containsExactly("t.yaml:2:6: sinks.s: backoff_min must not exceed backoff_max");
        assertThat(errors("sources:\n  x: { type: exec, command: [true], backoff_max: 1s, backoff_min: 2s }\n"))
                .containsExactly("t.yaml:2:6: sources.x: backoff_min must not exceed backoff_max");
        // and the bound block reaches the component
        Path ca = Files.writeString(dir.resolve("ca.pem"), "not checked before a connection\n");
        RouterConfig c = parse("""
                sinks:
                  t: { type: tcp, endpoint: "tcp://127.0.0.1:9/", backoff_max: 2s, tls: { ca: %s, verify: false } }
                  k: { type: kafka, bootstrap_servers: "h:9092", tls: { ca: %s, verify_hostname: false } }
                routes: [ { to: [t, k] } ]
                """.formatted(ca, ca));
        try (Journal j = Journal.create(new JournalSpec(5000, 8L << 20))) {
            RouterEnv env = new RouterEnv(dir, j);
            TcpSink tcp = (TcpSink) c.sinks().get(0).create(env);
            assertThat(tcp.spec().backoffMax()).hasSeconds(2);
            assertThat(tcp.spec().backoffMin()).hasMillis(100);
            assertThat(tcp.spec().tls().verify()).isFalse();
            assertThat(tcp.spec().tls().caFile()).isEqualTo(ca);
            KafkaSink kafka = (KafkaSink) c.sinks().get(1).create(env);
            assertThat(kafka.spec().tls().verifyHostname()).isFalse();
            assertThat(kafka.spec().tls().caFile()).isEqualTo(ca);
        }
    }

    @Test
    void aDefaultThatDoesNotBindIsABugFoundByTheGenerator() throws Exception {
        record Broken(@Default("soon") @Doc("when") java.time.Duration at) {
        }
        assertThatThrownBy(() -> ConfigBinder.declaredDefault("soon", Broken.class.getRecordComponents()[0]))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Broken.at");
    }
}
