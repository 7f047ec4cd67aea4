package dev.logrouter.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @TempDir
    Path dir;

    @Test
    void checkAcceptsTheBuiltInDefault() throws Exception {
        try (RouterProcess p = RouterProcess.start(dir, "check")) {
            assertThat(p.waitFor(30)).isZero();
            assertThat(p.out).anyMatch(l -> l.contains("ok"));
        }
    }

    @Test
    void checkPrintsOneFileLineColLinePerErrorAndExitsOne() throws Exception {
        Path f = dir.resolve("broken.yaml");
        Files.writeString(f, """
                sources:
                  a: { type: exec, command: [x], restart: maybe }
                  b: { type: kafka }
                sinks:
                  out: { type: console, colour: blue }
                routes:
                  - { from: [a, c], to: [out] }
                """);
        try (RouterProcess p = RouterProcess.start(dir, "check", "--config", f.toString())) {
            assertThat(p.waitFor(30)).isEqualTo(1);
            assertThat(p.err).containsExactly(
                    f + ":2:43: sources.a.restart: unknown value 'maybe' (use never, on_failure, always)",
                    f + ":3:14: sources.b.type: unknown source type 'kafka' (one of " + typesOf(p) + ")",
                    f + ":5:25: sinks.out.colour: unknown key 'colour' (allowed: type, buffer, transforms, format)",
                    f + ":7:17: routes[0].from: unknown source 'c' (defined: a, b)");
        }
    }

    private static String typesOf(RouterProcess p) {
        String line = p.err.stream().filter(l -> l.contains("unknown source type")).findFirst().orElseThrow();
        return line.substring(line.indexOf("(one of ") + 8, line.length() - 1);
    }

    @Test
    void emptyConfigIsAWarningForCheckAndRefusedByRun() throws Exception {
        Path f = dir.resolve("empty.yaml");
        Files.writeString(f, "");
        try (RouterProcess p = RouterProcess.start(dir, "check", "--config", f.toString())) {
            assertThat(p.waitFor(30)).isZero();
            assertThat(p.err).singleElement().asString().startsWith(f + ": warning: the config defines no sources");
            assertThat(p.out).anyMatch(l -> l.contains("ok (0 sources"));
        }
        try (RouterProcess p = RouterProcess.start(dir, "run", "--config", f.toString())) {
            assertThat(p.waitFor(30)).isEqualTo(1);
            assertThat(p.err).anyMatch(l -> l.contains("defines no sources") && l.contains("refuses"));
        }
    }

    @Test
    void checkReportsAMissingFile() throws Exception {
        try (RouterProcess p = RouterProcess.start(dir, "check", "-c", dir.resolve("nope.yaml").toString())) {
            assertThat(p.waitFor(30)).isEqualTo(1);
            assertThat(p.err).singleElement().asString().endsWith("nope.yaml:1:1: cannot read: no such file");
        }
    }

    @Test
    void everyCommandHasHelp() throws Exception {
        for (String cmd : new String[] {"run", "check"}) {
            try (RouterProcess p = RouterProcess.start(dir, cmd, "--help")) {
                assertThat(p.waitFor(30)).isZero();
                assertThat(p.out).anyMatch(l -> l.startsWith("Usage: logrouter " + cmd));
            }
        }
    }

    @Test
    void runPrintsExecLinesAndExitsZeroOnSigterm() throws Exception {
        Path f = dir.resolve("exec.yaml");
        Path pidFile = dir.resolve("child.pid");
        Files.writeString(f, """
                sources:
                  hello:
                    type: exec
                    command: [sh, -c, "echo $$$$ > %s; echo hello-out; echo hello-err >&2; exec sleep 300"]
                sinks:
                  console: { type: console }
                routes:
                  - to: [console]
                """.formatted(pidFile));
        try (RouterProcess p = RouterProcess.start(dir, "run", "--config", f.toString())) {
            assertThat(p.awaitOut(l -> l.endsWith("hello[stdout] info: hello-out"), 30)).isNotNull();
            assertThat(p.awaitOut(l -> l.endsWith("hello[stderr] info: hello-err"), 5)).isNotNull();
            assertThat(p.awaitOut(l -> l.contains("logrouter started: 1 sources, 1 sinks, 1 routes"), 5)).isNotNull();
            long child = Long.parseLong(Files.readString(pidFile).trim());
            assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive)).contains(true);
            // SIGTERM through the handle: Process.destroy() would also close our end of its stdout
            p.process.toHandle().destroy();
            assertThat(p.waitFor(15)).isZero();
            assertThat(p.out).as("err: %s", p.err).anyMatch(l -> l.contains("received SIGTERM"));
            org.awaitility.Awaitility.await("exec child stopped").atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> !ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false));
        }
    }

    @Test
    void sighupReloadsTheConfigAndAnInvalidOneIsRefused() throws Exception {
        Path f = dir.resolve("reload.yaml");
        String base = """
                sources:
                  first: { type: exec, command: [sh, -c, "echo first-line; exec sleep 300"] }
                sinks:
                  console: { type: console }
                routes:
                  - to: [console]
                """;
        Files.writeString(f, base);
        try (RouterProcess p = RouterProcess.start(dir, "run", "--config", f.toString())) {
            p.awaitOut(l -> l.contains("logrouter started"), 30);
            p.awaitOut(l -> l.endsWith("first[stdout] info: first-line"), 10);
            Files.writeString(f, base.replace("sinks:", """
                      second: { type: exec, command: [sh, -c, "echo second-line; exec sleep 300"] }
                    sinks:"""));
            signal("HUP", p.process.pid());
            p.awaitOut(l -> l.endsWith("second[stdout] info: second-line"), 20);
            assertThat(p.awaitOut(l -> l.contains("config reloaded"), 5))
                    .contains("kept [sink console, source first]").contains("started [source second]");
            Files.writeString(f, "sources: { broken: { type: exec } }\n");
            signal("HUP", p.process.pid());
            assertThat(p.awaitOut(l -> l.contains("reload refused"), 20)).contains("missing required key 'command'");
            assertThat(p.process.isAlive()).isTrue();
            signal("TERM", p.process.pid());
            assertThat(p.waitFor(15)).isZero();
        }
    }

    @Test
    void runWarnsThatAnInheritedIgnoreOfSighupDisablesReload() throws Exception {
        Path f = dir.resolve("nohup.yaml");
        Files.writeString(f, """
                sources:
                  first: { type: exec, command: [sh, -c, "exec sleep 300"] }
                sinks:
                  console: { type: console }
                routes:
                  - to: [console]
                """);
        try (RouterProcess p = RouterProcess.start(List.of("env", "--ignore-signal=HUP"), dir, "run", "-c", f.toString())) {
            assertThat(p.awaitOut(l -> l.contains("SIGHUP ignored"), 30))
                    .contains("SIGHUP will not reload the config").contains("env --default-signal");
            signal("TERM", p.process.pid());
            assertThat(p.waitFor(15)).isZero();
            assertThat(p.out).noneMatch(l -> l.contains("SIGTERM ignored"));
        }
    }

    private static void signal(String sig, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor()).isZero();
    }

    @Test
    void runRefusesAnInvalidConfigWithTheSameErrorsAsCheck() throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "journal: { max_lines: -1 }\n");
        try (RouterProcess p = RouterProcess.start(dir, "run", "-c", f.toString())) {
            assertThat(p.waitFor(30)).isEqualTo(1);
            assertThat(p.err).containsExactly(f + ":1:10: journal: max_lines must be at least 1");
        }
    }
}
