package dev.logrouter.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the short form of the fault suite, {@code bench/faults --quick}, against the packaged
 * launcher (failsafe runs this after the package phase). The suite drives real peers on loopback
 * and reconciles each case from the router's own counters; this test passes only when every case
 * printed {@code PASS} and the summary says {@code 0 failed}.
 */
class FaultsQuickIT {

    private static final Path LAUNCHER = Path.of("target", "logrouter").toAbsolutePath();
    private static final Path SUITE = Path.of("..", "bench", "faults").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS) // the script bounds itself (240 s wait below); the suite default is 60 s
    void quickFaultSuitePassesEveryCase() throws Exception {
        assumeTrue(Files.isExecutable(LAUNCHER), "launcher not built: " + LAUNCHER);
        assumeTrue(Files.isExecutable(SUITE), "no fault suite at " + SUITE);
        assumeTrue(python3Available(), "python3 is needed by bench/faults");
        Path out = dir.resolve("faults.out");
        ProcessBuilder pb = new ProcessBuilder(SUITE.toString(), "--quick")
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("LOGROUTER", LAUNCHER.toString());
        pb.environment().put("TMPDIR", dir.toString());
        Process p = pb.start();
        try {
            // the suite bounds itself (170 s for --quick); this is only the last resort
            boolean ended = p.waitFor(240, TimeUnit.SECONDS);
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            assertThat(ended).as("bench/faults --quick ended; output:%n%s", String.join("\n", lines)).isTrue();
            assertThat(lines).as("output").anyMatch(l -> l.matches("\\d+ passed, 0 failed.*"));
            assertThat(lines).filteredOn(l -> l.startsWith("FAIL")).isEmpty();
            assertThat(lines).filteredOn(l -> l.startsWith("PASS")).hasSizeGreaterThanOrEqualTo(4);
            assertThat(p.exitValue()).as("exit code; output:%n%s", String.join("\n", lines)).isZero();
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static boolean python3Available() {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
