package dev.logrouter.core.syslog;

import dev.logrouter.core.testsupport.TestSpecs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.testsupport.RecordQueue;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** The syslog source against real clients: util-linux logger, socat, plain sockets. */
class SyslogSourceTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private RecordQueue start(SyslogSource src) {
        RecordQueue q = new RecordQueue(src.records());
        cleanup.add(q);
        SyslogSpec s = src.spec();
        RecordQueue.awaitTrue(() -> q.error() != null || ((s.path() == null || Files.exists(s.path()))
                && (s.udp() == null || src.udpAddress() != null) && (s.tcp() == null || src.tcpAddress() != null)),
                WAIT, () -> "listening");
        assertThat(q.error()).isNull();
        return q;
    }

    static String run(String... cmd) throws Exception {
        return run(null, cmd);
    }

    static String run(byte[] stdin, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (OutputStream o = p.getOutputStream()) {
            if (stdin != null) {
                o.write(stdin);
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("%s finished", List.of(cmd)).isTrue();
        assertThat(p.exitValue()).as("%s exit code, output: %s", List.of(cmd), out).isZero();
        return out;
    }

    @Test
    void loggerOnTheUnixSocketInAllThreeFormats() throws Exception {
        Path sock = dir.resolve("syslog.sock");
        SyslogSource src = new SyslogSource(TestSpecs.syslogUnix("syslog", sock));
        RecordQueue q = start(src);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rw-rw-rw-");
        // default local format is glibc's: no hostname
        run("logger", "--socket", sock.toString(), "-t", "myapp", "-p", "daemon.warning", "--id=4242",
                "hello from logger");
        run("logger", "--socket", sock.toString(), "--rfc3164", "-t", "bsdapp", "-p", "local3.err", "old style");
        run("logger", "--socket", sock.toString(), "--rfc5424", "-t", "newapp", "-p", "user.debug",
                "--msgid", "MID7", "--sd-id", "zoo@32473", "--sd-param", "tiger=\"hungry\"", "structured");
        LogRecord a = q.await(r -> r.service().equals("myapp"), 1, WAIT).get(0);
        assertThat(a.level()).isEqualTo(Level.WARNING);
        assertThat(a.msg()).isEqualTo("hello from logger");
        assertThat(a.source()).isEqualTo("syslog");
        assertThat(a.stream()).isEqualTo("syslog");
        assertThat(a.fields()).containsEntry("facility", "daemon").containsEntry("app", "myapp")
                .containsEntry("pid", 4242L).doesNotContainKey("host");
        assertThat(Math.abs(a.time() - LogRecord.now())).isLessThan(TimeUnit.MINUTES.toNanos(2));

        LogRecord b = q.await(r -> r.service().equals("bsdapp"), 1, WAIT).get(0);
        assertThat(b.level()).isEqualTo(Level.ERR);
        assertThat(b.msg()).isEqualTo("old style");
        assertThat(b.fields()).containsEntry("facility", "local3").containsKey("host");

        LogRecord c = q.await(r -> r.service().equals("newapp"), 1, WAIT).get(0);
        assertThat(c.level()).isEqualTo(Level.DEBUG);
        assertThat(c.msg()).isEqualTo("structured");
        assertThat(c.fields()).containsEntry("msgid", "MID7").containsEntry("sd.zoo@32473.tiger", "hungry")
                .containsKey("host").containsKey("sd.timeQuality.tzKnown");
        assertThat(src.stats().messages()).isEqualTo(3);
        assertThat(src.stats().parseErrors()).isZero();
        q.close();
        assertThat(sock).doesNotExist();
    }

    @Test
    void loggerOverUdpAndTcpWithBothFramings() throws Exception {
        SyslogSource src = new SyslogSource(TestSpecs.syslog("net-syslog", null, "127.0.0.1:0", "127.0.0.1:0"));
        RecordQueue q = start(src);
        String udpPort = String.valueOf(src.udpAddress().getPort());
        String tcpPort = String.valueOf(src.tcpAddress().getPort());
        run("logger", "-n", "127.0.0.1", "-P", udpPort, "-d", "-t", "udpapp", "over udp");
        run("logger", "-n", "127.0.0.1", "-P", tcpPort, "-T", "--octet-count", "-t", "tcpcount", "counted");
        run("logger", "-n", "127.0.0.1", "-P", tcpPort, "-T", "--rfc3164", "-t", "tcplf", "lf framed");
        // several lines from stdin on one connection
        run("line one\nline two\nline three\n".getBytes(StandardCharsets.UTF_8),
                "logger", "-n", "127.0.0.1", "-P", tcpPort, "-T", "--octet-count", "-t", "multi");
        assertThat(q.await(r -> r.service().equals("udpapp"), 1, WAIT).get(0).msg()).isEqualTo("over udp");
        assertThat(q.await(r -> r.service().equals("tcpcount"), 1, WAIT).get(0).msg()).isEqualTo("counted");
        assertThat(q.await(r -> r.service().equals("tcplf"), 1, WAIT).get(0).msg()).isEqualTo("lf framed");
        assertThat(q.await(r -> r.service().equals("multi"), 3, WAIT)).extracting(LogRecord::msg)
                .containsExactly("line one", "line two", "line three");
        assertThat(src.stats().parseErrors()).isZero();
    }

    @Test
    void garbageOnEveryInputIsKeptCountedAndGoodInputStillFlows() throws Exception {
        Path sock = dir.resolve("syslog.sock");
        SyslogSource src = new SyslogSource(TestSpecs.syslog("sys", sock, "127.0.0.1:0", "127.0.0.1:0"));
        RecordQueue q = start(src);
        byte[] junk = new byte[2000];
        new Random(7).nextBytes(junk);
        junk[0] = 'x'; // not '<' and not a digit: never mistaken for a message start
        run(junk, "socat", "-u", "STDIN", "UNIX-SENDTO:" + sock);
        run(junk, "socat", "-u", "STDIN", "UDP-SENDTO:127.0.0.1:" + src.udpAddress().getPort());
        run(junk, "socat", "-u", "STDIN", "TCP:127.0.0.1:" + src.tcpAddress().getPort());
        RecordQueue.awaitTrue(() -> src.stats().parseErrors() >= 3, WAIT, () -> "" + src.stats());
        List<LogRecord> bad = q.matching(r -> r.fields().containsKey(FieldNames.PARSE_ERROR));
        assertThat(bad).allSatisfy(r -> {
            assertThat(r.service()).isEqualTo("syslog");
            assertThat(r.level()).isEqualTo(Level.NOTICE);
        });
        run("<11>Nov 22 01:02:03 good[1]: after the garbage\n".getBytes(StandardCharsets.UTF_8),
                "socat", "-u", "STDIN", "UNIX-SENDTO:" + sock);
        run("<11>Nov 22 01:02:03 good[2]: after the garbage\n".getBytes(StandardCharsets.UTF_8),
                "socat", "-u", "STDIN", "UDP-SENDTO:127.0.0.1:" + src.udpAddress().getPort());
        run("<11>Nov 22 01:02:03 good[3]: after the garbage\n".getBytes(StandardCharsets.UTF_8),
                "socat", "-u", "STDIN", "TCP:127.0.0.1:" + src.tcpAddress().getPort());
        assertThat(q.await(r -> r.service().equals("good"), 3, WAIT)).extracting(r -> r.fields().get("pid"))
                .containsExactlyInAnyOrder(1L, 2L, 3L);
        assertThat(src.stats().messages()).isEqualTo(q.all().size());
    }

    @Test
    void sixtyFourKibFitsAndLargerIsCutAndCounted() throws Exception {
        Path sock = dir.resolve("syslog.sock");
        SyslogSource src = new SyslogSource(TestSpecs.syslog("sys", sock, null, "127.0.0.1:0"));
        RecordQueue q = start(src);
        String header = "<14>Nov 22 01:02:03 big: ";
        String fits = header + "a".repeat(64 * 1024 - header.length());
        String tooBig = header + "b".repeat(100 * 1024);
        try (AFUNIXDatagramChannel ch = AFUNIXDatagramChannel.open()) {
            ch.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 1024 * 1024);
            ch.send(ByteBuffer.wrap(fits.getBytes(StandardCharsets.US_ASCII)), AFUNIXSocketAddress.of(sock));
            ch.send(ByteBuffer.wrap(tooBig.getBytes(StandardCharsets.US_ASCII)), AFUNIXSocketAddress.of(sock));
        }
        List<LogRecord> got = q.await(r -> r.service().equals("big"), 2, WAIT);
        assertThat(got.get(0).msg()).hasSize(64 * 1024 - header.length());
        assertThat(got.get(0).fields()).doesNotContainKey(FieldNames.TRUNCATED);
        assertThat(got.get(1).msg()).hasSize(64 * 1024 - header.length());
        assertThat(got.get(1).fields()).containsEntry(FieldNames.TRUNCATED, true);

        try (Socket s = new Socket()) {
            s.connect(src.tcpAddress());
            byte[] body = tooBig.replace("big:", "tcpbig:").getBytes(StandardCharsets.US_ASCII);
            OutputStream o = s.getOutputStream();
            o.write((body.length + " ").getBytes(StandardCharsets.US_ASCII));
            o.write(body);
            o.write("<14>Nov 22 01:02:03 after: fine\n".getBytes(StandardCharsets.US_ASCII));
            o.flush();
            assertThat(q.await(r -> r.service().equals("after"), 1, WAIT).get(0).msg()).isEqualTo("fine");
        }
        LogRecord cut = q.await(r -> r.service().equals("tcpbig"), 1, WAIT).get(0);
        assertThat(cut.fields()).containsEntry(FieldNames.TRUNCATED, true);
        assertThat(src.stats().truncated()).isEqualTo(2);
        assertThat(src.stats().droppedBytes()).isEqualTo(tooBig.length() + 3 - 64 * 1024);
    }

    @Test
    void maxConnectionsAndSilentClients() throws Exception {
        SyslogSource src = new SyslogSource(new SyslogSpec("sys", null, 0666, null, "127.0.0.1:0", TestSpecs.MAX_LINE_BYTES, 2));
        RecordQueue q = start(src);
        InetSocketAddress addr = src.tcpAddress();
        try (Socket silent = new Socket(); Socket talker = new Socket(); Socket third = new Socket()) {
            silent.connect(addr);
            talker.connect(addr);
            RecordQueue.awaitTrue(() -> src.stats().connections() == 2, WAIT, () -> "" + src.stats());
            third.connect(addr);
            third.setSoTimeout(10_000);
            InputStream in = third.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
            assertThat(src.stats().rejectedConnections()).isEqualTo(1);
            // a silent client holds nothing up
            talker.getOutputStream().write("<13>Nov 22 01:02:03 talk: hi\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(q.await(r -> r.service().equals("talk"), 1, WAIT).get(0).msg()).isEqualTo("hi");
        }
    }

    @Test
    void bindFailureIsAnError() throws IOException {
        Path notSocket = Files.writeString(dir.resolve("file"), "x");
        RecordQueue q = new RecordQueue(new SyslogSource(TestSpecs.syslogUnix("sys", notSocket)).records());
        cleanup.add(q);
        RecordQueue.awaitTrue(() -> q.error() != null, WAIT, () -> "error");
        assertThat(q.error()).hasMessageContaining("cannot listen").hasMessageContaining(notSocket.toString());
    }
}
