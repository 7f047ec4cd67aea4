package dev.logrouter.sinks.file;

import dev.logrouter.sinks.testsupport.TestSpecs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.sink.SinkBuffer;
import dev.logrouter.sinks.encode.Format;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

class FileSinkTest {

    @TempDir
    Path dir;

    private static LogRecord record(long cursor, String service, String msg) {
        return new LogRecord(cursor, LogRecord.now(), "src", service, "stdout", Level.INFO, msg, Map.of(),
                LogRecord.Kind.NORMAL);
    }

    private static List<Path> tree(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void serviceNamesCannotEscapeTheDirectory() throws Exception {
        Path logs = dir.resolve("logs");
        FileSink sink = new FileSink(TestSpecs.file("f", logs + "/{service}.log", null, 0, 5, null, 0));
        List<String> services = List.of("web", "../../etc/x", "a/b", "..", ".hidden", "", "sp ace;rm -rf");
        List<LogRecord> rs = new ArrayList<>();
        long c = 1;
        for (String s : services) {
            rs.add(record(c++, s, "from " + s));
        }
        sink.write(Flux.fromIterable(rs)).block(Duration.ofSeconds(10));
        List<Path> files = tree(dir);
        assertThat(files).allMatch(p -> p.getParent().equals(logs));
        assertThat(files.stream().map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder("web.log", "_._.._etc_x.log", "a_b.log", "_..log", "_hidden.log", "_.log",
                        "sp_ace_rm_-rf.log");
        assertThat(Files.readString(logs.resolve("_._.._etc_x.log"))).contains("from ../../etc/x");
        assertThat(sink.state().written()).isEqualTo(services.size());
        assertThat(sink.state().dropped()).isZero();
    }

    @Test
    void templateIsValidated() {
        assertThatThrownBy(() -> TestSpecs.file("f", dir + "/{host}.log", null, 0, 5, null, 0))
                .hasMessageContaining("{host}");
        assertThatThrownBy(() -> TestSpecs.file("f", dir + "/../x.log", null, 0, 5, null, 0))
                .hasMessageContaining("..");
    }

    @Test
    void sizeRotationKeepsNFilesAndNeverSplitsARecord() throws Exception {
        FileSink sink = new FileSink(TestSpecs.file("f", dir + "/{source}-{service}.log",
                TestSpecs.encoder(Format.JSON_LINES), 10_000, 3, null, 0));
        int n = 400; // ~ 40 KB of json lines: 4 files of at most 10 KB
        List<LogRecord> rs = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            rs.add(record(i, "svc", "message number " + i + " " + "z".repeat(40)));
        }
        sink.write(Flux.fromIterable(rs)).block(Duration.ofSeconds(10));
        Path cur = dir.resolve("src-svc.log");
        List<Path> files = tree(dir);
        assertThat(files).containsExactly(cur, dir.resolve("src-svc.log.1"), dir.resolve("src-svc.log.2"),
                dir.resolve("src-svc.log.3"));
        List<String> kept = new ArrayList<>();
        for (int i = 3; i >= 1; i--) {
            kept.addAll(lines(dir.resolve("src-svc.log." + i)));
        }
        kept.addAll(lines(cur));
        for (Path p : files) {
            assertThat(Files.size(p)).isLessThanOrEqualTo(10_000);
            assertThat(Files.readString(p)).endsWith("}\n");
        }
        // the newest records are all there, consecutive, ending with the last one
        assertThat(kept.get(kept.size() - 1)).contains("message number " + n + " ");
        int first = n - kept.size() + 1;
        for (int i = 0; i < kept.size(); i++) {
            assertThat(kept.get(i)).contains("\"msg\":\"message number " + (first + i) + " ");
        }
        assertThat(sink.rotations()).isGreaterThanOrEqualTo(4);
        assertThat(sink.state().written()).isEqualTo(n);
    }

    private static List<String> lines(Path p) throws Exception {
        return Files.readAllLines(p, StandardCharsets.UTF_8);
    }

    @Test
    void recordsReachTheFileWithinTheFlushIntervalWhileTheSinkRuns() throws Exception {
        Scheduler sched = Schedulers.newBoundedElastic(2, 100, "file-test");
        try {
            SinkBuffer buffer = new SinkBuffer("f", TestSpecs.BUFFER, true, sched);
            Path file = dir.resolve("out.log");
            FileSink sink = new FileSink(TestSpecs.file("f", file.toString(), null, 0, 5, Duration.ofMillis(50), 0));
            Mono<Void> done = sink.write(buffer.flux()).cache();
            done.subscribe();
            for (int i = 1; i <= 3; i++) {
                buffer.offer(record(i, "svc", "line " + i));
            }
            await("3 lines in " + file).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .untilAsserted(() -> assertThat(file).exists().content(StandardCharsets.UTF_8).hasLineCount(3));
            assertThat(lines(file)).hasSize(3).allMatch(l -> l.contains("svc[stdout] info: line "));
            buffer.close();
            done.block(Duration.ofSeconds(10));
            assertThat(sink.state().connection()).isEqualTo("closed");
        } finally {
            sched.dispose();
        }
    }
}
