package dev.logrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.JournalSpec;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.sink.WhenFull;
import dev.logrouter.sinks.file.FileSink;
import dev.logrouter.sinks.tcp.TcpSink;
import dev.logrouter.sinks.udp.UdpSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinkTypesTest {

    @TempDir
    Path dir;

    private RouterConfig parse(String yaml) throws ConfigException {
        return new ConfigLoader(Map.of(ConfigLoader.RUNTIME_DIR_VARIABLE, dir.toString())).parse(yaml, "t.yaml");
    }

    @Test
    void everySinkTypeBindsAndCreates() throws Exception {
        String yaml = """
                sinks:
                  filebeat: { type: tcp, endpoint: "tcp://127.0.0.1:5044/", format: json_lines,
                              fields: talos, extra_tags: { cluster: prod }, host: node-1, include_cursor: true,
                              backoff_min: 50ms, backoff_max: 10s, write_timeout: 5s, resend_bytes: 1MiB,
                              buffer: { max_events: 1000, when_full: drop_newest } }
                  syslog:   { type: tcp, endpoint: "tcp://127.0.0.1:514/", format: rfc5424, framing: octet_counted,
                              facility: local3 }
                  kudp:     { type: udp, endpoint: "udp://127.0.0.1:12345/", format: json_lines, fields: ecs,
                              max_datagram: 8KiB }
                  disk:     { type: file, path: "%s/{service}.log", format: text,
                              rotate: { max_bytes: 10MiB, keep: 3 } }
                routes:
                  - to: [filebeat, syslog, kudp, disk]
                """.formatted(dir);
        RouterConfig c = parse(yaml);
        assertThat(c.sinks()).hasSize(4);
        try (Journal j = Journal.create(new JournalSpec(5000, 8L << 20))) {
            RouterEnv env = new RouterEnv(dir, j);
            LogSink tcp = c.sinks().get(0).create(env);
            assertThat(tcp).isInstanceOf(TcpSink.class);
            assertThat(((TcpSink) tcp).spec().endpoint().port()).isEqualTo(5044);
            assertThat(((TcpSink) tcp).spec().encoder().extraTags()).containsEntry("cluster", "prod");
            assertThat(((TcpSink) tcp).spec().resendBytes()).isEqualTo(1024 * 1024);
            assertThat(c.sinks().get(0).buffer().maxEvents()).isEqualTo(1000);
            assertThat(c.sinks().get(0).buffer().whenFull()).isEqualTo(WhenFull.DROP_NEWEST);
            assertThat(c.sinks().get(1).create(env)).isInstanceOf(TcpSink.class);
            assertThat(c.sinks().get(2).create(env)).isInstanceOf(UdpSink.class);
            assertThat(c.sinks().get(3).create(env)).isInstanceOf(FileSink.class);
        }
    }

    @Test
    void badValuesAreReportedWithTheirKey() {
        assertThatThrownBy(() -> parse("""
                sinks:
                  f: { type: tcp, endpoint: "udp://127.0.0.1:5044/" }
                routes: [ { to: [f] } ]
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("tcp://");
        assertThatThrownBy(() -> parse("""
                sinks:
                  f: { type: tcp, endpoint: "tcp://127.0.0.1:5044/", format: json_lines, framing: octet_counted }
                routes: [ { to: [f] } ]
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("octet_counted");
        assertThatThrownBy(() -> parse("""
                sinks:
                  u: { type: udp, endpoint: "udp://127.0.0.1:1/", max_datagram: 100KiB }
                routes: [ { to: [u] } ]
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("max_datagram");
        assertThatThrownBy(() -> parse("""
                sinks:
                  d: { type: file, path: "/tmp/{host}.log" }
                routes: [ { to: [d] } ]
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("{host}");
        assertThatThrownBy(() -> parse("""
                sinks:
                  t: { type: tcp, endpoint: "tcp://127.0.0.1:1/", tls: { cert: /x.pem } }
                routes: [ { to: [t] } ]
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("cert and key");
    }

    @Test
    void shippedFilebeatExampleConfigIsValid() throws Exception {
        Path example = Path.of("..", "config", "filebeat.yaml");
        RouterConfig c = parse(Files.readString(example));
        assertThat(c.sinks()).extracting(SinkDef::name).contains("filebeat");
    }

    @Test
    void checkFindsMissingTlsFiles() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("ca.pem"), "not checked for content here");
        String yaml = """
                sinks:
                  a: { type: tcp, endpoint: "tcp://127.0.0.1:5044/", tls: { ca: %s } }
                  b: { type: tcp, endpoint: "tcp://127.0.0.1:5044/", tls: { ca: %s/missing-ca.pem } }
                  c: { type: tcp, endpoint: "tcp://127.0.0.1:5044/", tls: { cert: %s, key: %s } }
                """.formatted(dir.resolve("ca.pem"), dir, dir.resolve("nope.crt"), dir);
        ConfigException e = org.assertj.core.api.Assertions.catchThrowableOfType(() -> parse(yaml),
                ConfigException.class);
        assertThat(e).isNotNull();
        assertThat(e.problems()).extracting(p -> p.format("t.yaml")).hasSize(2)
                .anySatisfy(m -> assertThat(m).startsWith("t.yaml:3:").contains("tls ca file " + dir
                        + "/missing-ca.pem does not exist"))
                .anySatisfy(m -> assertThat(m).startsWith("t.yaml:4:").contains("tls cert file " + dir.resolve("nope.crt")
                        + " does not exist"));
    }
}
