package dev.logrouter.app.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.JournalSpec;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code allow_uids}/{@code allow_gids} with real peers: a python client started as another user with
 * {@code setpriv} (tests run as root), so SO_PEERCRED reports that user.
 */
class QueryAccessControlTest {

    /** Connects, sends a dump request, prints what it gets (or the connect error) and exits. */
    private static final String CLIENT = String.join("\n",
            "import socket, sys",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
            "try:",
            "    s.connect(sys.argv[1])",
            "except OSError as e:",
            "    print('CONNECT-FAILED', e.errno); sys.exit(3)",
            "s.settimeout(20)",
            "s.sendall(b'\\x00' if sys.argv[2] == 'memlogd' else b'{}\\n')",
            "out = b''",
            "while True:",
            "    b = s.recv(65536)",
            "    if not b: break",
            "    out += b",
            "sys.stdout.write(out.decode())",
            "");

    @TempDir
    Path dir;
    Journal journal;

    @BeforeEach
    void start() throws IOException {
        assumeTrue(isRoot(), "needs root to run a client as another user");
        // the nobody user must reach the socket through the temp directory
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        journal = Journal.create(new JournalSpec(100, 1024 * 1024));
        journal.append(LogRecord.of(LogRecord.now(), "s", "svc", "stderr", Level.INFO, "secret"));
    }

    @AfterEach
    void stop() {
        if (journal != null) {
            journal.close();
        }
    }

    private static boolean isRoot() {
        try {
            return "0".equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid").toString());
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private String runAs(String uid, String gid, Path socket) throws Exception {
        return runAs(uid, gid, null, socket);
    }

    private String runAs(String uid, String gid, String groups, Path socket) throws Exception {
        return runAs(uid, gid, groups, socket, "json");
    }

    /** Runs the client as uid/gid with the supplementary groups {@code groups} (none when null). */
    private String runAs(String uid, String gid, String groups, Path socket, String protocol) throws Exception {
        Path script = dir.resolve("client.py");
        Files.writeString(script, CLIENT);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        Process p = new ProcessBuilder("setpriv", "--reuid", uid, "--regid", gid,
                groups == null ? "--clear-groups" : "--groups=" + groups,
                "/usr/bin/python3", script.toString(), socket.toString(), protocol)
                .redirectErrorStream(true).start();
        try {
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void uidNotAllowedGetsOneErrorLineAndIsCounted() throws Exception {
        try (QueryServer server = QueryServer.start(new QuerySettings(dir.resolve("q.sock"), "0666", List.of(0),
                null, Duration.ofSeconds(10)), journal, null)) {
            String out = runAs("65534", "65534", server.socket());
            assertThat(out).isEqualTo("{\"error\":\"access denied: peer uid 65534 gid 65534 is not in "
                    + "query.allow_uids/allow_gids\"}\n");
            assertThat(server.counters().refused()).isEqualTo(1);
            // a memlogd client (stock logread) gets a plain close it survives: no error object
            assertThat(runAs("65534", "65534", null, server.socket(), "memlogd")).isEmpty();
            assertThat(server.counters().refused()).isEqualTo(2);
            // root is listed: served
            try (TestClient c = new TestClient(server.socket())) {
                c.send(0x00);
                assertThat(c.readAllText()).contains("\"msg\":\"secret\"");
            }
            assertThat(server.counters().refused()).isEqualTo(2);
        }
    }

    @Test
    void allowedGidAndAllowedUidAreServed() throws Exception {
        try (QueryServer server = QueryServer.start(new QuerySettings(dir.resolve("g.sock"), "0666", List.of(4243),
                List.of(4242), Duration.ofSeconds(10)), journal, null)) {
            assertThat(runAs("65534", "4242", server.socket())).contains("\"msg\":\"secret\"");
            assertThat(runAs("4243", "65534", server.socket())).contains("\"msg\":\"secret\"");
            assertThat(runAs("65534", "65534", server.socket())).startsWith("{\"error\":\"access denied");
            assertThat(server.counters().refused()).isEqualTo(1);
            // a supplementary group counts too (read from /proc/PID/status of the peer)
            assertThat(runAs("65534", "65534", "100,4242", server.socket())).contains("\"msg\":\"secret\"");
            assertThat(server.counters().refused()).isEqualTo(1);
        }
    }

    @Test
    void fileModeKeepsOtherUsersOutBeforeCredentialsAreChecked() throws Exception {
        try (QueryServer server = QueryServer.start(new QuerySettings(dir.resolve("m.sock"), "0600", null, null,
                Duration.ofSeconds(10)), journal, null)) {
            assertThat(runAs("65534", "65534", server.socket())).startsWith("CONNECT-FAILED 13");
            assertThat(server.counters().connections()).isZero();
        }
    }
}
