package dev.logrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.fdsocket.FdSocketSource;
import dev.logrouter.core.net.NetFormat;
import dev.logrouter.core.net.NetProtocol;
import dev.logrouter.core.net.NetSource;
import dev.logrouter.core.source.LogSource;
import dev.logrouter.core.syslog.SyslogSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fd_socket, syslog, tcp and udp source types in YAML. */
class IntakeConfigTest {

    private final ConfigLoader loader = new ConfigLoader(Map.of("LOGROUTER_RUNTIME_DIR", "/tmp/lr-intake"));
    private final RouterEnv env = new RouterEnv(Path.of("/tmp/lr-intake"), null);

    private List<String> errors(String yaml) {
        try {
            loader.parse(yaml, "f.yaml");
        } catch (ConfigException e) {
            return e.problems().stream().map(p -> p.format("f.yaml")).toList();
        }
        throw new AssertionError("expected config errors for:\n" + yaml);
    }

    private LogSource source(RouterConfig c, String name) {
        return c.sources().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow().create(env);
    }

    @Test
    void bindsAllIntakeTypes() throws Exception {
        RouterConfig c = loader.parse("""
                sources:
                  services: { type: fd_socket, path: "${LOGROUTER_RUNTIME_DIR}/log.sock", mode: "0640",
                              max_line_bytes: 16KiB, idle_flush: 250ms, stdout_suffixes: [".o"], stderr_suffixes: [".e"] }
                  sys:      { type: syslog, path: /tmp/lr-intake/dev-log, udp: "127.0.0.1:5514", tcp: "[::1]:5601",
                              max_message_bytes: 8KiB, max_connections: 5 }
                  agg:      { type: tcp, listen: "127.0.0.1:5170", format: text, service: shipped, max_line_bytes: 1MiB,
                              max_connections: 10 }
                  dgrams:   { type: udp, listen: ":5171" }
                """, "f.yaml");
        FdSocketSource fd = (FdSocketSource) source(c, "services");
        assertThat(fd.spec().path()).isEqualTo(Path.of("/tmp/lr-intake/log.sock"));
        assertThat(fd.spec().mode()).isEqualTo(0640);
        assertThat(fd.spec().maxLineBytes()).isEqualTo(16 * 1024);
        assertThat(fd.spec().idleFlush()).isEqualTo(Duration.ofMillis(250));
        assertThat(fd.spec().stdoutSuffixes()).containsExactly(".o");
        assertThat(fd.spec().stderrSuffixes()).containsExactly(".e");
        assertThat(IntakeSockets.logSocket(c)).contains(Path.of("/tmp/lr-intake/log.sock"));

        SyslogSource sys = (SyslogSource) source(c, "sys");
        assertThat(sys.spec().mode()).isEqualTo(0666);
        assertThat(sys.spec().udp()).isEqualTo("127.0.0.1:5514");
        assertThat(sys.spec().tcp()).isEqualTo("[::1]:5601");
        assertThat(sys.spec().maxMessageBytes()).isEqualTo(8 * 1024);
        assertThat(sys.spec().maxConnections()).isEqualTo(5);

        NetSource agg = (NetSource) source(c, "agg");
        assertThat(agg.spec().protocol()).isEqualTo(NetProtocol.TCP);
        assertThat(agg.spec().format()).isEqualTo(NetFormat.TEXT);
        assertThat(agg.spec().service()).isEqualTo("shipped");
        assertThat(agg.spec().maxLineBytes()).isEqualTo(1024 * 1024);
        NetSource udp = (NetSource) source(c, "dgrams");
        assertThat(udp.spec().protocol()).isEqualTo(NetProtocol.UDP);
        assertThat(udp.spec().format()).isEqualTo(NetFormat.JSON_LINES);
        assertThat(udp.spec().service()).isEqualTo("dgrams");
    }

    @Test
    void reportsBadIntakeConfigWithPositions() {
        assertThat(errors("""
                sources:
                  a: { type: fd_socket }
                  b: { type: fd_socket, path: /x, mode: "999" }
                  c: { type: syslog }
                  d: { type: syslog, udp: "nohostport" }
                  e: { type: tcp, listen: "127.0.0.1:99999" }
                  f: { type: udp, listen: "127.0.0.1:1", format: xml }
                  g: { type: fd_socket, path: /y, bogus: 1 }
                """)).satisfiesExactly(
                e -> assertThat(e).startsWith("f.yaml:2:").contains("path"),
                e -> assertThat(e).startsWith("f.yaml:3:").contains("octal"),
                e -> assertThat(e).startsWith("f.yaml:4:").contains("at least one of path, udp, tcp"),
                e -> assertThat(e).startsWith("f.yaml:5:").contains("needs a port"),
                e -> assertThat(e).startsWith("f.yaml:6:").contains("0..65535"),
                e -> assertThat(e).startsWith("f.yaml:7:").contains("xml"),
                e -> assertThat(e).startsWith("f.yaml:8:").contains("bogus"));
    }

    @Test
    void defaultAndLinuxKitConfigsCarryTheLogSockets() throws Exception {
        assertThat(IntakeSockets.logSocket(loader.loadDefault())).contains(Path.of("/tmp/lr-intake/log.sock"));
        Path linuxkit = Path.of(System.getProperty("user.dir")).resolveSibling("config").resolve("linuxkit.yaml");
        RouterConfig lk = loader.load(linuxkit);
        assertThat(IntakeSockets.logSocket(lk)).contains(Path.of("/var/run/linuxkit-external-logging.sock"));
        assertThat(lk.query().socket()).isEqualTo(Path.of("/var/run/memlogdq.sock"));
    }
}
