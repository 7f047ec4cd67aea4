package dev.logrouter.app.cli;

import static dev.logrouter.app.cli.OperatorSignalsTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.app.status.StatusReport;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code logrouter reload} against a live router (a child JVM) while a bounded writer feeds its TCP
 * source and a TCP sink delivers to a real loopback receiver: an invalid config is refused with the
 * lines {@code check} prints, a valid one is applied, and the unchanged sink neither reconnects nor
 * loses or repeats a line.
 */
class ReloadCommandTest {

    private static final Pattern LOAD = Pattern.compile("load-(\\d{7})");
    /** The writer's bound: it never writes more, whatever happens. */
    private static final long MAX_LINES = 300_000;
    /** Lines in flight at most (written, not yet received), far below the sink's buffer: no drop by design. */
    private static final long WINDOW = 5_000;

    @TempDir
    Path dir;

    /** One run of the CLI in this JVM, with what it printed. */
    private record Cli(int exit, String out, List<String> err) {
    }

    private static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = LogrouterCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Cli(exit, out.toString(), err.toString().lines().toList());
    }

    private String config(int sourcePort, int receiverPort, String extraSources) {
        return """
                sources:
                  in: { type: tcp, listen: "127.0.0.1:%d", format: text }
                %ssinks:
                  ship: { type: tcp, endpoint: "tcp://127.0.0.1:%d/", format: json_lines }
                routes:
                  - { from: [in], to: [ship] }
                """.formatted(sourcePort, extraSources, receiverPort);
    }

    @Test
    @Timeout(180)
    void reloadUnderLoadKeepsTheTcpSinkConnectedAndRefusesAnInvalidConfig() throws Exception {
        int sourcePort = LineReceiver.freePort();
        int receiverPort = LineReceiver.freePort();
        Set<Long> received = ConcurrentHashMap.newKeySet();
        AtomicLong repeated = new AtomicLong();
        Path f = dir.resolve("reload.yaml");
        Files.writeString(f, config(sourcePort, receiverPort, ""));
        Path socket = dir.resolve("query.sock");
        Path ready = dir.resolve("ready");
        try (LineReceiver receiver = new LineReceiver(receiverPort, line -> {
                Matcher m = LOAD.matcher(line);
                if (m.find() && !received.add(Long.parseLong(m.group(1)))) {
                    repeated.incrementAndGet();
                }
            });
             RouterProcess run = RouterProcess.start(dir, "run", "-c", f.toString(), "--ready-file", ready.toString())) {
            await(() -> Files.exists(ready) || !run.process.isAlive(), 60, "the router to be ready");
            assertThat(run.process.isAlive()).as("router err: %s", run.err).isTrue();

            AtomicLong written = new AtomicLong();
            AtomicLong stopAt = new AtomicLong(MAX_LINES);
            AtomicReference<Throwable> writerFailed = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), sourcePort)) {
                    OutputStream o = s.getOutputStream();
                    for (long i = 0; i < Math.min(stopAt.get(), MAX_LINES); i++) {
                        o.write(String.format("load-%07d%n", i).getBytes(StandardCharsets.US_ASCII));
                        written.set(i + 1);
                        if (i % 100 == 99) {
                            o.flush();
                            // bounded in flight: the receiver must keep up within the window
                            await(() -> written.get() - received.size() < WINDOW, 60, "the receiver to catch up");
                        }
                    }
                    o.flush();
                } catch (IOException | InterruptedException | AssertionError e) {
                    writerFailed.set(e);
                }
            }, "load-writer");
            writer.start();
            try {
                await(() -> received.size() >= 2_000, 60, "lines flowing through the sink");

                // an invalid config: the same lines as check, exit 1, and the old config keeps running
                Files.writeString(f, config(sourcePort, receiverPort, "").replace("endpoint:", "endpont:"));
                Cli check = cli("check", "-c", f.toString());
                assertThat(check.exit()).isEqualTo(1);
                assertThat(check.err()).isNotEmpty().allMatch(l -> l.startsWith(f + ":"));
                Cli refused = cli("reload", "--socket", socket.toString());
                assertThat(refused.exit()).as("reload err: %s", refused.err()).isEqualTo(1);
                assertThat(refused.err()).startsWith(check.err().toArray(String[]::new))
                        .contains("logrouter: reload refused, the running config stays");
                assertThat(refused.out()).isEmpty();
                assertThat(run.process.isAlive()).isTrue();
                long before = received.size();
                await(() -> received.size() > before + 1_000, 60, "lines still flowing after the refusal");

                // a valid config that adds a source: applied, the unchanged sink and source kept
                Files.writeString(f, config(sourcePort, receiverPort,
                        "  extra: { type: exec, command: [sh, -c, \"echo extra-line; exec sleep 300\"] }\n"));
                Cli ok = cli("reload", "--socket", socket.toString());
                assertThat(ok.exit()).as("reload err: %s", ok.err()).isZero();
                assertThat(ok.out()).startsWith("OK " + f + " reloaded\n")
                        .contains("  kept: sink ship, source in\n")
                        .contains("  started: source extra\n")
                        .contains("  stopped: -\n");
                long afterReload = received.size();
                await(() -> received.size() > afterReload + 1_000, 60, "lines still flowing after the reload");
            } finally {
                stopAt.set(written.get() + 2_000);
                writer.join(120_000);
            }
            assertThat(writerFailed.get()).isNull();
            assertThat(writer.isAlive()).isFalse();
            long total = written.get();
            assertThat(total).isLessThan(MAX_LINES);
            await(() -> received.size() >= total, 60, "every written line at the receiver");
            assertThat(received).hasSize((int) total);
            assertThat(repeated.get()).as("lines received twice").isZero();
            assertThat(receiver.accepted.get()).as("connections the sink opened").isEqualTo(1);

            StatusReport report = status(socket);
            StatusReport.Sink ship = report.sinks().stream().filter(s -> s.name().equals("ship")).findFirst().orElseThrow();
            assertThat(ship.reconnects()).isZero();
            assertThat(ship.dropped()).isZero();
            assertThat(ship.connection()).isEqualTo("up");
            // the started source runs: its line was read
            await(() -> status(socket).sources().stream().anyMatch(s -> s.name().equals("extra") && s.records() >= 1),
                    30, "the added source's line");
        }
    }

    private static StatusReport status(Path socket) {
        Cli status = cli("status", "--json", "--socket", socket.toString());
        assertThat(status.exit()).as("status err: %s", status.err()).isZero();
        return StatusReport.parse(status.out().trim());
    }
}
