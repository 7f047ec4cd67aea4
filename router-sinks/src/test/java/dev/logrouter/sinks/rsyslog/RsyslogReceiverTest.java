package dev.logrouter.sinks.rsyslog;

import dev.logrouter.sinks.testsupport.TestSpecs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.sinks.encode.FieldSet;
import dev.logrouter.sinks.encode.Format;
import dev.logrouter.sinks.encode.Framing;
import dev.logrouter.sinks.net.Endpoint;
import dev.logrouter.sinks.tcp.TcpSink;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * rsyslog as a real receiver: its own rsyslogd in the foreground on a loopback port with imtcp and
 * mmjsonparse, started and stopped (by pid) by the test.
 */
class RsyslogReceiverTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private Process rsyslogd;
    private int port;

    @BeforeAll
    static void install() throws Exception {
        InstalledReceivers.ensure();
    }

    @BeforeEach
    void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String conf = """
                global(workDirectory="%1$s")
                module(load="imtcp")
                module(load="mmjsonparse")
                template(name="parsed" type="string" string="%%$!all-json%%\\n")
                template(name="raw" type="string" string="%%rawmsg%%\\n")
                template(name="syslog" type="string" string="%%app-name%% %%msgid%% %%structured-data%% %%msg%%\\n")
                input(type="imtcp" port="%2$d" address="127.0.0.1" ruleset="in")
                ruleset(name="in") {
                  if $rawmsg startswith "{" then {
                    action(type="mmjsonparse" cookie="" useRawMsg="on")
                    if $parsesuccess == "OK" then {
                      action(type="omfile" file="%1$s/parsed.log" template="parsed")
                    } else {
                      action(type="omfile" file="%1$s/failed.log" template="raw")
                    }
                  } else {
                    action(type="omfile" file="%1$s/syslog.log" template="syslog")
                  }
                }
                """.formatted(dir, port);
        Path confFile = dir.resolve("rsyslog.conf");
        Files.writeString(confFile, conf);
        Process check = new ProcessBuilder("/usr/sbin/rsyslogd", "-N1", "-f", confFile.toString())
                .redirectErrorStream(true).start();
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as("rsyslogd -N1: " + out).isZero();
        rsyslogd = new ProcessBuilder("/usr/sbin/rsyslogd", "-n", "-f", confFile.toString(), "-i",
                dir.resolve("rsyslogd.pid").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("rsyslogd.out").toFile()).start();
        Process started = rsyslogd;
        await("rsyslogd listening on " + port).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .failFast("rsyslogd exited", () -> !started.isAlive())
                .untilAsserted(() -> assertThat(accepts(port))
                        .as("connect to %d; rsyslogd output: %s", port, read(dir.resolve("rsyslogd.out"))).isTrue());
    }

    private static boolean accepts(int port) {
        try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return probe.isConnected();
        } catch (IOException notYet) {
            return false;
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (rsyslogd != null) {
            rsyslogd.destroy(); // SIGTERM to the pid we started
            if (!rsyslogd.waitFor(10, TimeUnit.SECONDS)) {
                rsyslogd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static List<String> awaitLines(Path file, int n) throws Exception {
        await(n + " lines in " + file).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(read(file).lines().count()).as("lines so far")
                        .isGreaterThanOrEqualTo(n));
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    private static List<LogRecord> records(int n) {
        List<LogRecord> rs = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String msg = switch (i % 4) {
                case 0 -> "plain line " + i;
                case 1 -> "multi\nline \"quoted\" \\ " + i;
                case 2 -> "unicode é 漢 \uD83D\uDE00 tab\t" + i;
                default -> "{\"looks\":\"like json\"} " + i;
            };
            rs.add(new LogRecord(i, LogRecord.now(), "src", "svc-" + (i % 3), "stdout", Level.ofCode(i % 8), msg,
                    Map.of(), LogRecord.Kind.NORMAL));
        }
        return rs;
    }

    @Test
    void everyJsonLineIsParsedByMmjsonparse() throws Exception {
        int n = 3000;
        List<LogRecord> rs = records(n);
        TcpSink sink = new TcpSink(TestSpecs.tcp("rsyslog", new Endpoint("tcp", "127.0.0.1", port),
                TestSpecs.encoder(Format.JSON_LINES, FieldSet.TALOS, Map.of("cluster", "ci"), "node-1", true, null,
                        Framing.LF)));
        sink.write(Flux.fromIterable(rs)).block(Duration.ofSeconds(30));
        List<String> parsed = awaitLines(dir.resolve("parsed.log"), n);
        assertThat(read(dir.resolve("failed.log"))).isEmpty();
        assertThat(parsed).hasSize(n);
        for (String line : parsed) {
            JsonNode node = JSON.readTree(line);
            int c = node.get("cursor").asInt();
            LogRecord r = rs.get(c - 1);
            assertThat(node.get("msg").asText()).isEqualTo(r.msg());
            assertThat(node.get("talos-service").asText()).isEqualTo(r.service());
            assertThat(node.get("cluster").asText()).isEqualTo("ci");
            assertThat(node.get("host").asText()).isEqualTo("node-1");
        }
        assertThat(sink.state().written()).isEqualTo(n);
    }

    @Test
    void rfc5424OctetCountedFramingIsAcceptedByImtcp() throws Exception {
        int n = 500;
        List<LogRecord> rs = records(n);
        TcpSink sink = new TcpSink(TestSpecs.tcp("rsyslog", new Endpoint("tcp", "127.0.0.1", port),
                TestSpecs.encoder(Format.RFC5424, null, null, "node-1", false, "local0", Framing.OCTET_COUNTED)));
        sink.write(Flux.fromIterable(rs)).block(Duration.ofSeconds(30));
        List<String> lines = awaitLines(dir.resolve("syslog.log"), n);
        assertThat(lines).hasSize(n);
        for (int i = 0; i < n; i++) {
            LogRecord r = rs.get(i);
            assertThat(lines.get(i)).startsWith(r.service() + " stdout [logrouter@32473 cursor=\"" + r.cursor() + "\"");
            assertThat(lines.get(i)).endsWith(String.valueOf(r.cursor()));
        }
    }
}
