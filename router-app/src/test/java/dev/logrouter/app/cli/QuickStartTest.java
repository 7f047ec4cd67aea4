package dev.logrouter.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick start of docs/intake.md runs as written: its shell block, with the launcher standing for
 * {@code router-app/target/logrouter} (this build's classes) and the runtime directory in a temp dir.
 */
class QuickStartTest {

    static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("docs"))) {
            p = p.getParent();
        }
        return p;
    }

    /** The first {@code sh} block of a Markdown file. */
    static String firstShellBlock(Path md) throws Exception {
        List<String> lines = Files.readAllLines(md);
        List<String> block = new ArrayList<>();
        int i = lines.indexOf("```sh");
        assertThat(i).as("a sh block in " + md).isNotNegative();
        for (i++; !lines.get(i).equals("```"); i++) {
            block.add(lines.get(i));
        }
        return String.join("\n", block);
    }

    /**
     * {@code DIR/router-app/target/logrouter}: what {@code mvn package} builds there, a launcher that
     * execs Java on this build's classes (the test runs inside the build, before its package phase).
     */
    static Path writeLauncher(Path dir) throws java.io.IOException {
        Path launcher = dir.resolve("router-app/target/logrouter");
        Files.createDirectories(launcher.getParent());
        Files.writeString(launcher, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp '" + System.getProperty("java.class.path")
                + "' dev.logrouter.app.Main \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        return launcher;
    }

    @Test
    void intakeQuickStartRunsAsWritten(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/logger")) || Files.isExecutable(Path.of("/bin/logger")),
                "logger (util-linux)");
        String block = firstShellBlock(repo().resolve("docs/intake.md"));
        assertThat(block).contains("logrouter run").contains("logrouter write").contains("logger --socket");
        writeLauncher(dir);
        Path runtime = Files.createDirectories(dir.resolve("xdg"));
        // the block as written, then: wait for the syslog line, stop the router started with `&`
        // whatever happens, the router the block starts in the background is stopped when the script ends
        String script = "set -e\ntrap 'kill $! 2>/dev/null || true' EXIT\n" + block.replace("/tmp/logrouter-demo.ready", dir.resolve("ready").toString())
                + "\ni=0; until grep -q 'hello syslog' out.txt 2>/dev/null || [ $i -gt 300 ]; do sleep 0.1; i=$((i+1)); done"
                + "\nkill $! ; wait $! || true\n";
        Files.writeString(dir.resolve("quickstart.sh"), script);
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "sh ./quickstart.sh > out.txt 2> err.txt")
                .directory(dir.toFile());
        pb.environment().put("XDG_RUNTIME_DIR", runtime.toString());
        pb.environment().remove("LOGROUTER_RUNTIME_DIR");
        Process p = pb.start();
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        String out = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
        String err = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("exit; stderr: %s", err).isZero();
        assertThat(out).as("stderr: %s", err)
                .contains("hello[stdout] info: out")
                .contains("hello[stderr] info: err")
                .contains("hello syslog");
    }
}
