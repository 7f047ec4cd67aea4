package dev.logrouter.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged launcher {@code router-app/target/logrouter}, run the way an operator runs it. */
class LauncherIT {

    private static final Path LAUNCHER = Path.of("target", "logrouter").toAbsolutePath();

    @TempDir
    Path dir;

    private Process start(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("LOGROUTER_RUNTIME_DIR", dir.resolve("run").toString());
        return pb.start();
    }

    @Test
    void launcherIsExecutableAndShowsHelpFromAnyDirectory() throws Exception {
        assertThat(Files.isExecutable(LAUNCHER)).isTrue();
        Process p = start("--help");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(out).contains("Usage: logrouter").contains("run").contains("check");
    }

    @Test
    void runsTheBuiltInDefaultAndStopsCleanlyOnSigterm() throws Exception {
        Process p = start("run");
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                }
            } catch (java.io.IOException ignored) {
                // ended
            }
        });
        pump.start();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .untilAsserted(() -> assertThat(lines).as("logrouter output")
                            .anyMatch(l -> l.contains("logrouter started")));
            assertThat(lines).anyMatch(l -> l.contains("logrouter started") && l.contains("<built-in default>"));
            p.toHandle().destroy();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            pump.join(5000);
            assertThat(p.exitValue()).isZero();
            assertThat(lines).anyMatch(l -> l.contains("logrouter stopping"));
        } finally {
            p.destroyForcibly();
        }
    }
}
