package dev.logrouter.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.fdsocket.FdSocketSource;
import dev.logrouter.core.fdsocket.FdSocketSpec;
import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.LogRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

/** {@code logrouter write} as a real child process against a real fd socket source. */
class WriteCommandTest {

    @TempDir
    Path dir;

    private Path sock;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private Disposable source;

    record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void startSource() throws Exception {
        sock = dir.resolve("log.sock");
        source = new FdSocketSource(new FdSocketSpec("services", sock, 0660, 64 * 1024,
                Duration.ofSeconds(1), List.of(".out", ".stdout"), List.of(".stderr"), true)).records().subscribe(records::add);
        Awaitility.await("the intake socket bound").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(sock).exists());
    }

    @AfterEach
    void stopSource() {
        source.dispose();
    }

    static Run logrouter(String... args) throws Exception {
        return logrouter(List.of(), Map.of(), args);
    }

    /** Runs logrouter with extra JVM options and environment. */
    static Run logrouter(List<String> jvmOptions, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xshare:auto");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.logrouter.app.Main");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Process p = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("logrouter %s finished", List.of(args)).isTrue();
        return new Run(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private List<String> await(Predicate<LogRecord> p, int n) throws InterruptedException {
        Awaitility.await(n + " matching records").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(records.stream().filter(p).count())
                        .as("matching records of %s", records).isGreaterThanOrEqualTo(n));
        return records.stream().filter(p).map(LogRecord::msg).collect(Collectors.toList());
    }

    @Test
    void teesBothStreamsAndExitsWithTheCommandsCode() throws Exception {
        Run r = logrouter("write", "--socket", sock.toString(), "-n", "svc", "--",
                "sh", "-c", "echo out1; echo err1 >&2; echo out2; exit 3");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).isEqualTo("out1\nout2\n");
        assertThat(r.err()).isEqualTo("err1\n");
        assertThat(await(x -> x.service().equals("svc") && x.stream().equals("stdout"), 2))
                .containsExactly("out1", "out2");
        assertThat(await(x -> x.service().equals("svc") && x.stream().equals("stderr"), 1)).containsExactly("err1");
        assertThat(records).filteredOn(x -> x.stream().equals("stdout"))
                .allSatisfy(x -> assertThat(x.fields()).containsEntry(FieldNames.MEMLOGD_NAME, "svc.out"));
        assertThat(records).filteredOn(x -> x.stream().equals("stderr"))
                .allSatisfy(x -> assertThat(x.fields()).containsEntry(FieldNames.MEMLOGD_NAME, "svc"));
    }

    @Test
    void nameDefaultsToTheCommandAsTypedAndStdinIsDevNull() throws Exception {
        // cat would wait forever on an inherited stdin; with /dev/null it ends at once
        Run r = logrouter("write", "-socket", sock.toString(), "cat");
        assertThat(r.exit()).isZero();
        Run echo = logrouter("write", "--socket", sock.toString(), "echo", "-n", "no newline");
        assertThat(echo.exit()).isZero();
        assertThat(echo.out()).isEqualTo("no newline");
        assertThat(await(x -> x.service().equals("echo"), 1)).containsExactly("no newline");
    }

    @Test
    void manyLinesAllArriveInOrder() throws Exception {
        Run r = logrouter("write", "--socket", sock.toString(), "-n", "seq", "--", "seq", "1", "20000");
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().count()).isEqualTo(20000);
        await(x -> x.service().equals("seq") && x.msg().equals("20000"), 1);
        // a line may arrive as partial pieces when the machine stalls the writer past the idle
        // flush; joined, every line is there once and in order
        List<String> lines = new ArrayList<>();
        StringBuilder acc = new StringBuilder();
        for (LogRecord x : records) {
            if (x.service().equals("seq")) {
                acc.append(x.msg());
                if (x.kind() == LogRecord.Kind.NORMAL) {
                    lines.add(acc.toString());
                    acc.setLength(0);
                }
            }
        }
        assertThat(lines).containsExactlyElementsOf(
                java.util.stream.IntStream.rangeClosed(1, 20000).mapToObj(String::valueOf).collect(Collectors.toList()));
    }

    @Test
    void withoutSocketFallsBackToLinuxKitsLogSocketWhenTheConfiguredOneIsAbsent() throws Exception {
        // the built-in config's socket would be in this empty runtime dir; LinuxKit's path is ours
        Path runtime = Files.createDirectories(dir.resolve("runtime"));
        Run r = logrouter(List.of("-D" + WriteCommand.FALLBACK_PROPERTY + "=" + sock),
                Map.of("LOGROUTER_RUNTIME_DIR", runtime.toString()), "write", "-n", "lk", "--", "echo", "via fallback");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(await(x -> x.msg().equals("via fallback"), 1)).containsExactly("via fallback");
    }

    @Test
    void aMissingCommandExits1LikeLogwrite() throws Exception {
        Run r = logrouter("write", "--socket", sock.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no command specified");
    }

    @Test
    void missingSocketIsAClearErrorWithExit1() throws Exception {
        Run r = logrouter("write", "--socket", dir.resolve("absent.sock").toString(), "--", "echo", "hi");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("absent.sock").contains("does not exist");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void staleSocketFileIsAClearErrorWithExit1() throws Exception {
        Path stale = dir.resolve("stale.sock");
        try (org.newsclub.net.unix.AFUNIXDatagramChannel ch = org.newsclub.net.unix.AFUNIXDatagramChannel.open()) {
            ch.bind(org.newsclub.net.unix.AFUNIXSocketAddress.of(stale));
        }
        Run r = logrouter("write", "--socket", stale.toString(), "--", "echo", "hi");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("stale.sock").contains("cannot");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void commandThatCannotStartExits127() throws Exception {
        Run r = logrouter("write", "--socket", sock.toString(), "--", "/nonexistent/program");
        assertThat(r.exit()).isEqualTo(127);
        assertThat(r.err()).contains("cannot run /nonexistent/program");
    }

    @Test
    void killedCommandReportsTheSignalAsShellsDo() throws Exception {
        Run r = logrouter("write", "--socket", sock.toString(), "--", "sh", "-c", "kill -TERM $$");
        assertThat(r.exit()).isEqualTo(128 + 15);
    }
}
