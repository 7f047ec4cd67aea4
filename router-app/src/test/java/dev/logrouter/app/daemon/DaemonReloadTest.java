package dev.logrouter.app.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.logrouter.app.config.ConfigLoader;
import dev.logrouter.app.config.RouterConfig;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.router.Router.SinkBinding;
import dev.logrouter.core.router.Router.SourceBinding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonReloadTest {

    @TempDir
    Path dir;

    private RouterConfig config(String yaml) throws Exception {
        return new ConfigLoader(Map.of("LOGROUTER_RUNTIME_DIR", dir.resolve("run").toString())).parse(yaml, "test.yaml");
    }

    private String loop(String name) {
        Path pid = dir.resolve(name + ".pid");
        return "{ type: exec, command: [sh, -c, 'echo $$$$ > " + pid + "; while true; do echo " + name
                + "; sleep 0.05; done'] }";
    }

    private long pidOf(String name) throws Exception {
        Path pid = dir.resolve(name + ".pid");
        waitFor(() -> Files.exists(pid) && !readQuietly(pid).isBlank());
        return Long.parseLong(Files.readString(pid).trim());
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void reloadKeepsJournalAndUnchangedPartsAndReplacesTheRest() throws Exception {
        RouterConfig first = config("""
                sources:
                  keep: %s
                  drop: %s
                sinks:
                  out: { type: console }
                routes:
                  - { service: keep, to: [out] }
                """.formatted(loop("keep"), loop("drop")));
        try (Daemon d = Daemon.start(first)) {
            long keepPid = pidOf("keep");
            long dropPid = pidOf("drop");
            waitFor(() -> countService(d, "drop") > 0 && countService(d, "keep") > 0);
            SourceBinding keepBinding = binding(d, "keep");
            SinkBinding outBinding = d.router().sinks().get(0);
            long cursorBefore = d.journal().stats().nextCursor();

            Daemon.ReloadResult r = d.reload(config("""
                    journal: { max_lines: 10 }
                    sources:
                      keep: %s
                      added: %s
                    sinks:
                      out: { type: console }
                      more: { type: console, buffer: { max_events: 10 } }
                    routes:
                      - { to: [out, more] }
                    """.formatted(loop("keep"), loop("added"))), Duration.ofSeconds(2));

            assertThat(r.kept()).containsExactlyInAnyOrder("sink out", "source keep");
            assertThat(r.started()).containsExactlyInAnyOrder("sink more", "source added");
            assertThat(r.stopped()).containsExactly("source drop");
            assertThat(r.notApplied()).containsExactly("journal");
            assertThat(binding(d, "keep")).isSameAs(keepBinding);
            assertThat(d.router().sinks()).extracting(b -> b.sink().name()).containsExactly("out", "more");
            assertThat(d.router().sinks().get(0)).isSameAs(outBinding);
            assertThat(pidOf("keep")).isEqualTo(keepPid);
            waitFor(() -> !ProcessHandle.of(dropPid).map(ProcessHandle::isAlive).orElse(false));
            pidOf("added");
            waitFor(() -> countService(d, "added") > 0);
            // the journal kept its contents and its cursor sequence
            assertThat(d.journal().stats().nextCursor()).isGreaterThan(cursorBefore);
            assertThat(d.journal().stats().oldestCursor()).isLessThan(cursorBefore);
            assertThat(d.journal().spec().maxLines()).isEqualTo(5000);
            // the new route sends everything to the new sink too
            waitFor(() -> d.router().buffers().get("more").offered() > 0);
        }
    }

    @Test
    void changedSourceIsRestartedWithItsNewConfig() throws Exception {
        try (Daemon d = Daemon.start(config("sources:\n  a: " + loop("a") + "\n"))) {
            long before = pidOf("a");
            Files.delete(dir.resolve("a.pid"));
            Daemon.ReloadResult r = d.reload(config("sources:\n  a: " + loop("a").replace("sleep 0.05", "sleep 0.06")
                    + "\n"), Duration.ofSeconds(1));
            assertThat(r.stopped()).containsExactly("source a");
            assertThat(r.started()).containsExactly("source a");
            long after = pidOf("a");
            assertThat(after).isNotEqualTo(before);
            waitFor(() -> !ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false));
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 3, unit = TimeUnit.MINUTES)
    void replacingAnFdSocketSourceWhileServicesWriteNeverHangs() throws Exception {
        Path sock = dir.resolve("log.sock");
        String yaml = "sources:\n  services: { type: fd_socket, path: %s, max_line_bytes: %d }\n";
        try (Daemon d = Daemon.start(config(yaml.formatted(sock, 4096)))) {
            java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.concurrent.atomic.AtomicLong pipes = new java.util.concurrent.atomic.AtomicLong();
            List<Thread> writers = new java.util.ArrayList<>();
            for (int w = 0; w < 6; w++) {
                String name = "writer" + w + ".out";
                Thread t = new Thread(() -> writeUntilStopped(sock, name, running, pipes), name);
                t.setDaemon(true);
                t.start();
                writers.add(t);
            }
            for (int r = 1; r <= 12; r++) {
                long cursor = d.journal().stats().nextCursor();
                // services write through the current socket before each replacement
                waitFor(() -> d.journal().stats().nextCursor() > cursor + 200);
                Daemon.ReloadResult result = d.reload(config(yaml.formatted(sock, 4096 + r)), Duration.ofSeconds(2));
                assertThat(result.stopped()).containsExactly("source services");
                assertThat(result.started()).containsExactly("source services");
            }
            long cursor = d.journal().stats().nextCursor();
            waitFor(() -> d.journal().stats().nextCursor() > cursor + 200);
            running.set(false);
            for (Thread t : writers) {
                t.join(10_000);
                assertThat(t.isAlive()).as(t.getName() + " finished").isFalse();
            }
            // every replacement made the writers hand over new pipes to the new socket
            assertThat(pipes.get()).isGreaterThan(12);
        }
    }

    /** A service that hands a pipe to the log socket and writes into it; a new pipe when the old one breaks. */
    private static void writeUntilStopped(Path sock, String name, java.util.concurrent.atomic.AtomicBoolean running,
                                          java.util.concurrent.atomic.AtomicLong pipes) {
        byte[] line = (name + " says hello\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        while (running.get()) {
            try (dev.logrouter.core.fdsocket.FdSocketClient client = dev.logrouter.core.fdsocket.FdSocketClient.connect(sock)) {
                io.netty.channel.unix.FileDescriptor[] pipe = io.netty.channel.unix.FileDescriptor.pipe();
                try {
                    client.send(name, org.newsclub.net.unix.FileDescriptorCast.unsafeUsing(pipe[0].intValue())
                            .getFileDescriptor());
                } finally {
                    pipe[0].close();
                }
                pipes.incrementAndGet();
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(line.length);
                try {
                    while (running.get()) {
                        buf.clear();
                        buf.put(line).flip();
                        pipe[1].write(buf, 0, buf.limit());
                    }
                } finally {
                    pipe[1].close();
                }
            } catch (java.io.IOException e) {
                // the socket is being replaced, or the router closed this pipe: hand over a new one
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            }
        }
    }

    @Test
    void aChangedSinkWithADiskBufferHandsItsRecordsToItsReplacement() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path spool = dir.resolve("spool");
        String gen = "{ type: exec, command: [sh, -c, \"awk 'BEGIN{for(i=1;i<=500;i++) print \\\"rec-\\\" i}'; "
                + "exec sleep 3600\"], idle_flush: 60s }";
        String sink = "{ type: tcp, endpoint: \"tcp://127.0.0.1:%d/\", format: text, backoff_min: 50ms, backoff_max: 200ms,"
                + " buffer: { type: disk, path: " + spool + ", sync: 50ms } }";
        try (Daemon d = Daemon.start(config("sources:\n  gen: " + gen + "\nsinks:\n  out: " + sink.formatted(1)
                + "\nroutes:\n  - { from: [gen], stream: stdout, to: [out] }\n"))) {
            // port 1: nobody listens; the 500 records wait on disk
            waitFor(() -> d.router().buffers().get("out").offered() >= 500);
            java.util.Set<String> got = java.util.concurrent.ConcurrentHashMap.newKeySet();
            try (java.net.ServerSocket server = new java.net.ServerSocket(port, 50, java.net.InetAddress.getLoopbackAddress())) {
                Thread reader = new Thread(() -> {
                    try (java.net.Socket c = server.accept();
                         java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                                 c.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            int at = line.indexOf("rec-");
                            if (at >= 0) {
                                got.add(line.substring(at));
                            }
                        }
                    } catch (java.io.IOException ignored) {
                        // closed at the end of the test
                    }
                });
                reader.setDaemon(true);
                reader.start();
                Daemon.ReloadResult r = d.reload(config("sources:\n  gen: " + gen + "\nsinks:\n  out: "
                        + sink.formatted(port) + "\nroutes:\n  - { from: [gen], stream: stdout, to: [out] }\n"), Duration.ofMillis(300));
                assertThat(r.stopped()).containsExactly("sink out");
                assertThat(r.started()).containsExactly("sink out");
                waitFor(() -> got.size() == 500);
            }
        }
    }

    private static SourceBinding binding(Daemon d, String name) {
        return d.router().sources().stream().filter(s -> s.source().name().equals(name)).findFirst().orElseThrow();
    }

    private static long countService(Daemon d, String service) {
        List<LogRecord> all = d.journal().dump().collectList().block(Duration.ofSeconds(5));
        return all.stream().filter(r -> r.service().equals(service)).count();
    }

    private static void waitFor(BooleanSupplier cond) throws InterruptedException {
        await("condition within 15s").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                .until(cond::getAsBoolean);
    }
}
