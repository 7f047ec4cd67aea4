package dev.logrouter.app.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged pieces work as the docs say: the LinuxKit image's jlinked JRE speaks TLS, the systemd unit. */
class PackagingTest {

    static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("packaging"))) {
            p = p.getParent();
        }
        return p;
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** The {@code jlink --add-modules} list of the LinuxKit Dockerfile. */
    static List<String> imageModules() throws IOException {
        String docker = Files.readString(repo().resolve("packaging/linuxkit/Dockerfile"));
        Matcher m = Pattern.compile("--add-modules\\s+([\\w.,]+)").matcher(docker);
        assertThat(m.find()).as("jlink --add-modules in the Dockerfile").isTrue();
        return List.of(m.group(1).split(","));
    }

    static Process start(Path dir, String... cmd) throws IOException {
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(Path.of(cmd[0]).getFileName() + ".out").toFile()).start();
    }

    static void run(Path dir, String... cmd) throws Exception {
        Process p = start(dir, cmd);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": "
                + Files.readString(dir.resolve(Path.of(cmd[0]).getFileName() + ".out"))).isZero();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Builds the image's runtime with jlink (its module list, without compression to stay fast) and
     * runs the real TCP sink in it with TLS to {@code openssl s_server}, with an EC and with an RSA
     * certificate: the record must reach the server.
     */
    @Test
    void theJlinkedRuntimeOfTheImageSpeaksTls(@TempDir Path dir) throws Exception {
        Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
        assumeTrue(Files.isExecutable(jlink), "jlink of the build JDK");
        assumeTrue(onPath("openssl"), "openssl");
        run(dir, jlink.toString(), "--add-modules", String.join(",", imageModules()), "--strip-debug",
                "--no-header-files", "--no-man-pages", "--output", dir.resolve("jre").toString());
        String classes = System.getProperty("java.class.path");
        for (String[] key : new String[][] {{"ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"},
            {"rsa", "-pkeyopt", "rsa_keygen_bits:2048"}}) {
            Path cert = dir.resolve(key[0] + "-cert.pem");
            Path pem = dir.resolve(key[0] + "-key.pem");
            run(dir, "openssl", "req", "-x509", "-newkey", key[0], key[1], key[2], "-keyout", pem.toString(),
                    "-out", cert.toString(), "-days", "1", "-nodes", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1");
            int port = freePort();
            Path received = dir.resolve(key[0] + "-received.txt");
            Process server = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-cert",
                    cert.toString(), "-key", pem.toString(), "-quiet").directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(received.toFile()).start();
            try {
                awaitListening(port, server);
                String message = "through-the-jlinked-runtime-" + key[0];
                Process probe = new ProcessBuilder(dir.resolve("jre/bin/java").toString(), "-cp", classes,
                        TlsProbe.class.getName(), "127.0.0.1", Integer.toString(port), cert.toString(), message)
                        .redirectErrorStream(true).start();
                String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(out).as(key[0] + " certificate").contains("ok");
                assertThat(probe.exitValue()).isZero();
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                        .untilAsserted(() -> assertThat(Files.readString(received)).as("what s_server received")
                                .contains(message));
            } finally {
                server.destroy();
                if (!server.waitFor(5, TimeUnit.SECONDS)) {
                    server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** Polls with plain TCP connects until s_server accepts (it serves one client after another). */
    private static void awaitListening(int port, Process server) throws Exception {
        await("s_server listening on " + port).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .failFast("openssl s_server exited", () -> !server.isAlive())
                .until(() -> accepts(port));
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    @Test
    void theSystemdUnitVerifiesAndKeepsStateAcrossRestarts(@TempDir Path dir) throws Exception {
        String unit = Files.readString(repo().resolve("packaging/logrouter.service"));
        assertThat(unit).contains("StateDirectory=logrouter").contains("Environment=LOGROUTER_STATE_DIR=/var/lib/logrouter")
                .containsPattern("(?m)^CapabilityBoundingSet=.*CAP_NET_BIND_SERVICE");
        // the packaged config keeps the kmsg position in the state directory, not the wiped runtime one
        assertThat(Files.readString(repo().resolve("config/logrouter.yaml")))
                .contains("state_file: ${LOGROUTER_STATE_DIR}/kmsg.state");
        // Documentation= names a file that the install steps copy
        Matcher doc = Pattern.compile("(?m)^Documentation=file:(\\S+)$").matcher(unit);
        assertThat(doc.find()).isTrue();
        assertThat(doc.group(1)).startsWith("/opt/logrouter/");
        String relative = doc.group(1).substring("/opt/logrouter/".length());
        assertThat(repo().resolve(relative)).exists();
        assertThat(Files.readString(repo().resolve("docs/install.md"))).contains("/opt/logrouter/docs");

        assumeTrue(onPath("systemd-analyze"), "systemd-analyze");
        // the launcher is not installed here: verify the unit's syntax with a stand-in executable
        Path copy = dir.resolve("logrouter.service");
        Files.writeString(copy, unit.replace("/opt/logrouter/logrouter", "/bin/true"));
        Process p = new ProcessBuilder("systemd-analyze", "verify", copy.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<String> complaints = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.contains("logrouter.service")) {
                complaints.add(line);
            }
        }
        assertThat(complaints).isEmpty();
    }
}
