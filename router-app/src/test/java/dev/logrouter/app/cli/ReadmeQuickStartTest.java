package dev.logrouter.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quick start runs as written: its first shell block ({@code mvn ... package &&
 * router-app/target/logrouter run}) under {@code sh}, in a temp directory that stands for a checkout.
 * The test runs inside the build, so the build step is already done: {@code mvn} on the block's
 * {@code PATH} only records its arguments, and {@code router-app/target/logrouter} is a launcher on
 * this build's classes. The built-in default config puts every socket and state file in the runtime
 * directory, here {@code $XDG_RUNTIME_DIR/logrouter} in the temp directory. The router must come
 * up, answer {@code logrouter status}, and exit 0 on SIGTERM; no process is left behind.
 */
class ReadmeQuickStartTest {

    private static void waitFor(String what, long seconds, BooleanSupplier done) {
        org.awaitility.Awaitility.await(what).atMost(java.time.Duration.ofSeconds(seconds))
                .pollInterval(java.time.Duration.ofMillis(50)).until(done::getAsBoolean);
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    @Timeout(180)
    void readmeQuickStartRunsAsWritten(@TempDir Path dir) throws Exception {
        String block = QuickStartTest.firstShellBlock(QuickStartTest.repo().resolve("README.md"));
        assertThat(block).contains("mvn ").contains("router-app/target/logrouter run");
        Path launcher = QuickStartTest.writeLauncher(dir);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path mvnArgs = dir.resolve("mvn.args");
        Files.writeString(bin.resolve("mvn"), "#!/bin/sh\nprintf '%s\\n' \"$*\" > '" + mvnArgs + "'\n");
        Files.setPosixFilePermissions(bin.resolve("mvn"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path runtime = Files.createDirectories(dir.resolve("xdg"));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");

        // the router's signals at their defaults, whatever the test JVM inherited (see RouterProcess)
        ProcessBuilder pb = new ProcessBuilder("env", "--default-signal=HUP,INT,TERM", "sh", "-c", block)
                .directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("XDG_RUNTIME_DIR", runtime.toString());
        pb.environment().remove("LOGROUTER_RUNTIME_DIR");
        pb.environment().remove("LOGROUTER_STATE_DIR");
        Process p = pb.start();
        try {
            Path query = runtime.resolve("logrouter/query.sock");
            waitFor("the router to start", 90, () -> !p.isAlive() || read(out).contains("logrouter started"));
            assertThat(p.isAlive()).as("running; stderr: %s", read(err)).isTrue();
            assertThat(read(mvnArgs).trim()).isEqualTo("-B -q package -DskipTests");
            assertThat(query).exists();

            Process status = new ProcessBuilder(launcher.toString(), "status", "--socket", query.toString())
                    .redirectErrorStream(true).start();
            String shown;
            try {
                shown = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(status.waitFor(60, TimeUnit.SECONDS)).isTrue();
            } finally {
                status.destroyForcibly();
            }
            assertThat(status.exitValue()).as(shown).isZero();
            assertThat(shown).containsPattern("(?m)^services +fd_socket +running")
                    .containsPattern("(?m)^syslog +syslog +running")
                    .containsPattern("(?m)^console +console +up");

            // SIGTERM to the router (the launcher execs Java; a shell that execs the last command of
            // the block makes it the process itself); the block's exit code is the router's
            List<ProcessHandle> java = p.descendants()
                    .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false)).toList();
            assertThat(java).hasSizeLessThanOrEqualTo(1);
            (java.isEmpty() ? p.toHandle() : java.get(0)).destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exit after SIGTERM").isTrue();
            assertThat(p.exitValue()).as("exit; stderr: %s", read(err)).isZero();
            assertThat(read(out)).contains("logrouter stopping");
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(p.descendants().count()).isZero();
    }
}
