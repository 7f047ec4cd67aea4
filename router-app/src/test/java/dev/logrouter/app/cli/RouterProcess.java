package dev.logrouter.app.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/** The {@code logrouter} CLI as a real child JVM, with its output lines collected. */
final class RouterProcess implements AutoCloseable {

    final Process process;
    final List<String> out = new CopyOnWriteArrayList<>();
    final List<String> err = new CopyOnWriteArrayList<>();

    private final Thread outPump;
    private final Thread errPump;

    private RouterProcess(Process process) {
        this.process = process;
        this.outPump = pump(process.getInputStream(), out);
        this.errPump = pump(process.getErrorStream(), err);
    }

    /**
     * Starts the CLI with SIGHUP, SIGINT and SIGTERM at their defaults: a test JVM started under nohup (or by a
     * CI runner that ignores them) would pass the ignore on, and the router could not handle them.
     */
    static RouterProcess start(Path runtimeDir, String... args) throws IOException {
        return start(List.of("env", "--default-signal=HUP,INT,TERM"), runtimeDir, args);
    }

    /** Starts the CLI behind {@code wrapper}, a command that execs what follows it (e.g. {@code env ...}). */
    static RouterProcess start(List<String> wrapper, Path runtimeDir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.logrouter.app.Main");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("LOGROUTER_RUNTIME_DIR", runtimeDir.toString());
        return new RouterProcess(pb.start());
    }

    /** Runs to completion and returns the exit code. */
    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("logrouter did not exit within " + seconds + "s; out=" + out + " err=" + err);
        }
        // the pumps end at EOF, after the last lines
        outPump.join(10_000);
        errPump.join(10_000);
        return process.exitValue();
    }

    /** Waits until a stdout line matches. */
    String awaitOut(Predicate<String> p, long seconds) throws InterruptedException {
        try {
            return Awaitility.await("a matching stdout line").atMost(Duration.ofSeconds(seconds))
                    .pollInterval(Duration.ofMillis(10))
                    // exited and its output read to EOF (the pump has ended): no line can come any more
                    .failFast("logrouter exited without it",
                            () -> !process.isAlive() && !outPump.isAlive() && out.stream().noneMatch(p))
                    .until(() -> out.stream().filter(p).findFirst().orElse(null), Objects::nonNull);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError(e.getMessage() + "; no matching output line; out=" + out + " err=" + err, e);
        }
    }

    private static Thread pump(java.io.InputStream in, List<String> sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.add(line);
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
