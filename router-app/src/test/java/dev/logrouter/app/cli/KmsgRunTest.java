package dev.logrouter.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code logrouter run} with a kmsg source on a fixture file (never the host's device): records reach
 * the console sink, a seq jump is a gap line, and the state file carries the position over a restart.
 */
class KmsgRunTest {

    @TempDir
    Path dir;

    @Test
    void kernelRecordsFlowAndTheStateFileSurvivesARestart() throws Exception {
        Path fixture = dir.resolve("fixture.kmsg");
        Files.writeString(fixture, "6,1,1000,-;hello from fixture\n SUBSYSTEM=pci\n DEVICE=+pci:0000:00:01.0\n"
                + "3,2,2000,-;err \\x5c line\n", StandardCharsets.UTF_8);
        Path config = dir.resolve("kmsg.yaml");
        Files.writeString(config, "sources:\n"
                + "  kernel: { type: kmsg, path: " + fixture + ", from: start, state_file: kmsg.state,"
                + " state_interval: 100ms }\n"
                + "sinks:\n"
                + "  console: { type: console }\n"
                + "routes:\n"
                + "  - to: [console]\n", StandardCharsets.UTF_8);
        Path runtime = dir.resolve("run");

        try (RouterProcess p = RouterProcess.start(runtime, "run", "--config", config.toString())) {
            p.awaitOut(l -> l.contains("kernel[kernel] info: hello from fixture"), 60);
            p.awaitOut(l -> l.contains("kernel[kernel] err: err \\ line"), 20);
            Files.writeString(fixture, "4,5,3000,-;after a jump\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            p.awaitOut(l -> l.contains("lost 2 records at kernel ring " + fixture), 20);
            p.awaitOut(l -> l.contains("kernel[kernel] warning: after a jump"), 20);
            p.process.toHandle().destroy();
            assertThat(p.waitFor(30)).isZero();
        }
        assertThat(Files.readString(runtime.resolve("kmsg.state"))).contains("seq=5\n");

        Files.writeString(fixture, "6,6,4000,-;logged while stopped\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        try (RouterProcess p = RouterProcess.start(runtime, "run", "--config", config.toString())) {
            p.awaitOut(l -> l.contains("kernel[kernel] info: logged while stopped"), 60);
            p.process.toHandle().destroy();
            assertThat(p.waitFor(30)).isZero();
            assertThat(p.out).noneMatch(l -> l.contains("hello from fixture") || l.contains("after a jump"));
        }
    }

    @Test
    void anUnreadableDeviceIsOneErrorRecordAndOneLogLineAndTheRouterKeepsRunning() throws Exception {
        Path missing = dir.resolve("no-such-kmsg");
        Path config = dir.resolve("kmsg.yaml");
        Files.writeString(config, "sources:\n"
                + "  kernel: { type: kmsg, path: " + missing + " }\n"
                + "  other: { type: exec, command: [sh, -c, 'sleep 1; echo still running'] }\n"
                + "sinks:\n"
                + "  console: { type: console }\n"
                + "routes:\n"
                + "  - to: [console]\n", StandardCharsets.UTF_8);
        try (RouterProcess p = RouterProcess.start(dir.resolve("run"), "run", "--config", config.toString())) {
            p.awaitOut(l -> l.contains("still running"), 60);
            p.process.toHandle().destroy();
            assertThat(p.waitFor(30)).isZero();
            assertThat(p.out).filteredOn(l -> l.contains("cannot open " + missing)).hasSize(1)
                    .allMatch(l -> l.contains("logrouter[log] err: kmsg source 'kernel'"));
            assertThat(p.err).filteredOn(l -> l.contains("cannot open " + missing)).hasSize(1);
        }
    }
}
