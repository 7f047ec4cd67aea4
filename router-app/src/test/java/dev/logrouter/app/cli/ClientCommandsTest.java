package dev.logrouter.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logrouter.app.config.ConfigLoader;
import dev.logrouter.app.config.RouterConfig;
import dev.logrouter.app.daemon.Daemon;
import dev.logrouter.app.query.RecordJson;
import dev.logrouter.app.status.StatusReport;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code read}, {@code dmesg} and {@code status} against a real in-process daemon over its real socket. */
class ClientCommandsTest {

    private static final long T0 = 1719948171L * 1_000_000_000L;

    @TempDir
    Path dir;
    Daemon daemon;
    Path socket;
    final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    final StringWriter stderr = new StringWriter();
    PrintStream savedOut;

    @BeforeEach
    void start() throws Exception {
        String yaml = String.join("\n",
                "sources:",
                "  hello: { type: exec, command: [sh, -c, \"echo 'out <line>'; echo 'err;line' >&2\"] }",
                "sinks:",
                "  screen: { type: console }",
                "routes:",
                "  - { service: nothing-matches, to: [screen] }",
                "");
        RouterConfig c = new ConfigLoader(Map.of(ConfigLoader.RUNTIME_DIR_VARIABLE, dir.toString()))
                .parse(yaml, "test.yaml");
        daemon = Daemon.start(c);
        socket = c.query().socket();
        // the exec source's own exit line comes after its output
        awaitMessage("exited with code 0");
        awaitMessage("logrouter started");
        savedOut = System.out;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        System.setOut(savedOut);
        daemon.stop(Duration.ofSeconds(2));
    }

    private void awaitMessage(String part) throws InterruptedException {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(hasMessage(part)).as("journal has a record containing '%s'", part)
                        .isTrue());
    }

    private boolean hasMessage(String part) {
        return Boolean.TRUE.equals(daemon.journal().dump().any(r -> r.msg().contains(part)).block());
    }

    private int run(String... args) {
        CommandLine cl = LogrouterCommand.commandLine();
        cl.setErr(new PrintWriter(stderr, true));
        return cl.execute(args);
    }

    private String out() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    private void add(String service, String stream, Level level, String msg, Map<String, Object> fields) {
        daemon.router().ingest(LogRecord.of(T0, "test", service, stream, level, msg).withFields(fields));
    }

    /** What LinuxKit's logread prints: decode each memlogd JSON line, print time;source(; escaped);msg. */
    private byte[] logreadOf(byte[] memlogdDump) throws Exception {
        ObjectMapper m = new ObjectMapper();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String line : new String(memlogdDump, StandardCharsets.UTF_8).split("\n")) {
            JsonNode n = m.readTree(line);
            b.write((n.get("time").asText() + ";" + n.get("source").asText().replace(";", "\\;") + ";"
                    + n.get("msg").asText() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    private byte[] memlogdDump() throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(new byte[] {0}));
            return Channels.newInputStream(ch).readAllBytes();
        }
    }

    @Test
    void readPrintsTextJsonAndLogreadBytes() throws Exception {
        add("svc;x", "stderr", Level.WARNING, "tab\there é <&> \u0007", Map.of());
        assertThat(run("read", "--socket", socket.toString())).isZero();
        assertThat(out()).contains("hello[stdout] info: out <line>\n").contains("hello[stderr] info: err;line\n")
                .contains("svc;x[stderr] warning: tab\\there é <&> \\x07\n");

        stdout.reset();
        assertThat(run("read", "--socket", socket.toString(), "-o", "logread")).isZero();
        assertThat(stdout.toByteArray()).isEqualTo(logreadOf(memlogdDump()));
        assertThat(out()).contains(";hello.out;out <line>\n").contains(";hello;err;line\n")
                .contains(";svc\\;x;tab\there é <&> \u0007\n");

        stdout.reset();
        assertThat(run("read", "--socket", socket.toString(), "-o", "json")).isZero();
        List<LogRecord> rs = out().lines().map(RecordJson::parse).toList();
        long held = daemon.journal().stats().records();
        assertThat(rs).hasSize((int) held);
        LogRecord last = rs.get(rs.size() - 1);
        assertThat(last.cursor()).isEqualTo(daemon.journal().stats().nextCursor() - 1);
        assertThat(last.service()).isEqualTo("svc;x");
        assertThat(last.msg()).isEqualTo("tab\there é <&> \u0007");
    }

    @Test
    void readFilters() throws Exception {
        Map<String, Object> none = Map.of();
        add("web-1", "stdout", Level.ERR, "w1", none);
        add("web-2", "stdout", Level.INFO, "w2", none);
        add("db", "stdout", Level.ERR, "d1", none);
        assertThat(run("read", "--socket", socket.toString(), "-o", "json", "--service", "web-*", "--service", "db",
                "--level", "err")).isZero();
        assertThat(out().lines().map(l -> RecordJson.parse(l).msg()).toList()).containsExactly("w1", "d1");
        stdout.reset();
        assertThat(run("read", "--socket", socket.toString(), "-o", "json", "-n", "2")).isZero();
        assertThat(out().lines().map(l -> RecordJson.parse(l).msg()).toList()).containsExactly("w2", "d1");
        stdout.reset();
        // the test records carry a 2024 time, the exec lines a current one
        assertThat(run("read", "--socket", socket.toString(), "-o", "json", "--since", "10m")).isZero();
        assertThat(out().lines().map(l -> RecordJson.parse(l).msg()).toList()).doesNotContain("w1", "w2", "d1")
                .contains("out <line>");
        stdout.reset();
        assertThat(run("read", "--socket", socket.toString(), "-o", "json", "--since", "2024-07-02T19:22:51Z",
                "--service", "db")).isZero();
        assertThat(out().lines().toList()).hasSize(1);
        assertThat(run("read", "--socket", socket.toString(), "--level", "loud")).isEqualTo(2);
        assertThat(run("read", "--socket", socket.toString(), "-f", "-F")).isEqualTo(2);
    }

    @Test
    void readFollowPrintsNewRecordsUntilTheDaemonStops() throws Exception {
        CompletableFuture<Integer> rc = CompletableFuture.supplyAsync(
                () -> run("read", "--socket", socket.toString(), "-f", "-o", "logread"));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(daemon.journal().followerCount()).as("journal followers").isPositive());
        add("late", "stdout", Level.INFO, "followed", Map.of());
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(out()).as("read -f output").contains("followed"));
        assertThat(out()).isEqualTo("2024-07-02T19:22:51Z;late.out;followed\n");
        daemon.stop(Duration.ofSeconds(2));
        assertThat(rc.get(20, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void dmesgPrintsKernelRecordsOnly() throws Exception {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("facility", "kern");
        f.put("priority", "warning");
        f.put("seq", 41L);
        f.put("clock", 5_123_456L);
        add("kernel", "kernel", Level.WARNING, "usb 1-1: new device", f);
        add("kernel", "kernel", Level.INFO, "no clock", Map.of("facility", 3L));
        add("web", "stdout", Level.INFO, "not kernel", Map.of());
        assertThat(run("dmesg", "--socket", socket.toString())).isZero();
        assertThat(out()).isEqualTo("kern  :warn  : [    5.123456] usb 1-1: new device\n"
                + "daemon:info  : [2024-07-02T19:22:51Z] no clock\n");
        stdout.reset();
        assertThat(run("dmesg", "--socket", socket.toString(), "-n", "1")).isZero();
        assertThat(out()).isEqualTo("daemon:info  : [2024-07-02T19:22:51Z] no clock\n");
    }

    @Test
    void dmesgShowsARealKmsgSource() throws Exception {
        Path fixture = dir.resolve("kmsg.txt");
        java.nio.file.Files.writeString(fixture, "6,1,5123456,-;usb 1-1: new high-speed USB device number 2\n"
                + " SUBSYSTEM=usb\n"
                + "4,2,6000001,-;ACPI: \\x5fSB_.PCI0 warning\n"
                + "30,3,7000000,-;systemd[1]: daemon facility\n");
        Path rt = dir.resolve("kmsg-rt");
        RouterConfig c = new ConfigLoader(Map.of(ConfigLoader.RUNTIME_DIR_VARIABLE, rt.toString())).parse(
                "sources:\n  kernel: { type: kmsg, path: " + fixture + ", from: start }\nsinks: {}\nroutes: []\n",
                "kmsg.yaml");
        Daemon k = Daemon.start(c);
        try {
            String expected = "kern  :info  : [    5.123456] usb 1-1: new high-speed USB device number 2\n"
                    + "kern  :warn  : [    6.000001] ACPI: _SB_.PCI0 warning\n"
                    + "daemon:info  : [    7.000000] systemd[1]: daemon facility\n";
            // the kmsg source reads the fixture after the start: ask again until all three are in
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
                stdout.reset();
                assertThat(run("dmesg", "--socket", c.query().socket().toString())).isZero();
                assertThat(out()).isEqualTo(expected);
            });
        } finally {
            k.stop(Duration.ofSeconds(2));
        }
    }

    @Test
    void statusShowsSourcesSinksJournalAndQuery() throws Exception {
        assertThat(run("status", "--socket", socket.toString(), "--json")).isZero();
        // the standard sink set, re-sends included, is in the JSON
        assertThat(out()).contains("\"resent\":0").contains("\"droppedFull\":0").contains("\"writtenBytes\":");
        StatusReport r = StatusReport.parse(out().trim());
        assertThat(r.sources()).extracting(StatusReport.Source::name).containsExactly("hello");
        assertThat(r.sources().get(0).records()).isEqualTo(4);
        long appended = daemon.journal().stats().appended();
        assertThat(r.journal().appended()).isEqualTo(appended);
        assertThat(r.journal().maxLines()).isEqualTo(5000);
        assertThat(r.query().socket()).isEqualTo(socket.toString());
        assertThat(r.sinks()).extracting(StatusReport.Sink::name).containsExactly("screen");
        stdout.reset();
        assertThat(run("status", "--socket", socket.toString())).isZero();
        assertThat(out()).contains("journal: " + appended + "/5000 records")
                .containsPattern("(?m)^SOURCE +TYPE +STATE +RECORDS +BYTES +ERRORS +DROPPED +RESTARTS +EXIT +LAST ERROR$")
                .containsPattern("(?m)^hello +exec +stopped +4 +\\d+ +0 +0 +0 +0 +-$")
                .containsPattern("(?m)^SINK +TYPE +CONNECTION +IN +OUT +WRITTEN +RESENT +DROPPED +DEPTH +RECONNECTS"
                        + " +LAST ERROR$")
                .containsPattern("(?m)^screen +console +up +0 +0 +0 +0 +0 +0/\\d+ +0 +-$");
    }

    @Test
    void statusShowsASourcesOwnCountersOfBadInput() throws Exception {
        Path intake = dir.resolve("intake");
        RouterConfig c = new ConfigLoader(Map.of(ConfigLoader.RUNTIME_DIR_VARIABLE, intake.toString()))
                .parse("sources:\n  services: { type: fd_socket, path: " + intake.resolve("log.sock") + " }\n",
                        "intake.yaml");
        Daemon d = Daemon.start(c);
        try {
            // a memlogd client that forgets the fd: ignored and counted
            try (org.newsclub.net.unix.AFUNIXDatagramChannel client = org.newsclub.net.unix.AFUNIXDatagramChannel.open()) {
                client.send(java.nio.ByteBuffer.wrap("no-fd".getBytes(StandardCharsets.UTF_8)),
                        org.newsclub.net.unix.AFUNIXSocketAddress.of(intake.resolve("log.sock")));
            }
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .untilAsserted(() -> assertThat(d.router().sources().get(0).source().counters().snapshot())
                            .containsEntry("ignored_no_fd", 1L));
            assertThat(run("status", "--socket", c.query().socket().toString(), "--json")).isZero();
            StatusReport r = StatusReport.parse(out().trim());
            assertThat(r.sources().get(0).counters()).containsEntry("ignored_no_fd", 1L).containsEntry("datagrams", 1L);
            stdout.reset();
            assertThat(run("status", "--socket", c.query().socket().toString())).isZero();
            assertThat(out()).containsPattern("(?m)^  services: datagrams=1 .*ignored_no_fd=1");
        } finally {
            d.stop(Duration.ofSeconds(2));
        }
    }

    @Test
    void missingSocketAndRefusedAccessHaveClearMessagesAndExitCodes() throws Exception {
        assertThat(run("read", "--socket", dir.resolve("nope.sock").toString())).isEqualTo(3);
        assertThat(stderr.toString()).contains("does not exist: is logrouter running?");
        try (var refusing = dev.logrouter.app.query.QueryServer.start(new dev.logrouter.app.query.QuerySettings(
                dir.resolve("strict.sock"), "0600", List.of(12345), null, null), daemon.journal(), null)) {
            assertThat(run("status", "--socket", refusing.socket().toString())).isEqualTo(4);
            assertThat(run("read", "--socket", refusing.socket().toString())).isEqualTo(4);
        }
        assertThat(stderr.toString()).contains("access denied: peer uid 0");
    }
}
