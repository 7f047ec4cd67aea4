package dev.logrouter.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code logrouter run} SIGKILLed while its TCP receiver is down, then restarted with the receiver
 * up: nothing that was buffered on disk, and no kernel record, is lost; re-sent records are counted.
 */
class CrashRecoveryTest {

    @TempDir
    Path dir;

    private static void await(BooleanSupplier condition, Duration max, String what) throws InterruptedException {
        Awaitility.await(what).atMost(max).pollInterval(Duration.ofMillis(20)).until(condition::getAsBoolean);
    }

    /** As above; {@code what} is asked at each poll, so the failure shows what was seen last. */
    private static void await(BooleanSupplier condition, Duration max, java.util.function.Supplier<String> what)
            throws InterruptedException {
        Awaitility.await().atMost(max).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            if (!condition.getAsBoolean()) {
                throw new AssertionError("waiting for " + what.get());
            }
        });
    }

    private static String listing(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName() + "=" + p.toFile().length()).sorted().toList().toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Complete frames in the disk buffer's segment files (length + CRC headers). */
    private static long framesOnDisk(Path spool) {
        long n = 0;
        try (Stream<Path> files = Files.list(spool)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".seg")).toList()) {
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                    long size = ch.size();
                    long off = 0;
                    ByteBuffer head = ByteBuffer.allocate(8);
                    while (off + 8 <= size) {
                        head.clear();
                        ch.read(head, off);
                        int len = head.getInt(0);
                        if (len <= 0 || off + 8 + len > size) {
                            break;
                        }
                        off += 8 + len;
                        n++;
                    }
                }
            }
        } catch (IOException e) {
            return -1; // a segment deleted while listing: ask again
        }
        return n;
    }

    @Test
    void sigkillDuringAnOutageWith100kRecordsOnDiskLosesNothing() throws Exception {
        int port = LineReceiver.freePort();
        Path spool = dir.resolve("spool");
        Path mark = dir.resolve("generated");
        int n = 100_000;
        Path config = dir.resolve("disk.yaml");
        Files.writeString(config, "sources:\n"
                + "  gen:\n"
                + "    type: exec\n"
                + "    command: [sh, -c, \"test -e " + mark + " || { awk 'BEGIN{for(i=1;i<=" + n
                + ";i++) print \\\"line-\\\" i}'; touch " + mark + "; }; exec sleep 3600\"]\n"
                // a writer descheduled mid-line on a loaded machine must not split a line in two
                + "    idle_flush: 60s\n"
                + "sinks:\n"
                + "  out:\n"
                + "    type: tcp\n"
                + "    endpoint: tcp://127.0.0.1:" + port + "/\n"
                + "    format: text\n"
                + "    backoff_min: 50ms\n"
                + "    backoff_max: 200ms\n"
                + "    buffer: { type: disk, path: " + spool + ", max_bytes: 1GiB, when_full: block, sync: 200ms }\n"
                + "routes:\n"
                + "  - from: [gen]\n"
                + "    stream: stdout\n" // the lines only, not the exec's own events: the count on disk is exact
                + "    to: [out]\n", StandardCharsets.UTF_8);
        Path runtime = dir.resolve("run");

        try (RouterProcess p = RouterProcess.start(runtime, "run", "--config", config.toString())) {
            await(() -> framesOnDisk(spool) >= n, Duration.ofSeconds(120), n + " records on disk; err=" + p.err);
            p.process.destroyForcibly(); // SIGKILL
            assertThat(p.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        BitSet seen = new BitSet(n + 1);
        Pattern num = Pattern.compile("line-(\\d+)$");
        try (LineReceiver receiver = new LineReceiver(port, line -> {
            Matcher m = num.matcher(line);
            if (m.find()) {
                synchronized (seen) {
                    seen.set(Integer.parseInt(m.group(1)));
                }
            }
        });
             RouterProcess p = RouterProcess.start(runtime, "run", "--config", config.toString())) {
            await(() -> {
                synchronized (seen) {
                    return seen.cardinality() == n;
                }
            }, Duration.ofSeconds(120), () -> "all records at the receiver; got " + seen.cardinality() + " of " + n
                    + ", first missing " + seen.nextClearBit(1) + ", lines " + receiver.total.get() + "; spool "
                    + listing(spool) + "; err=" + p.err);
            long duplicates = receiver.total.get() - n;
            long replayed = replayedFromLog(p.err);
            assertThat(duplicates).isLessThanOrEqualTo(replayed);
            p.process.toHandle().destroy();
            assertThat(p.waitFor(30)).isZero();
            assertThat(seen.get(1)).isTrue();
            assertThat(seen.get(n)).isTrue();
        }
    }

    /** The count of records the disk buffer said it may send twice, from its warning at start. */
    private static long replayedFromLog(List<String> err) {
        Pattern p = Pattern.compile("; (\\d+) of them may have been delivered");
        for (String l : err) {
            Matcher m = p.matcher(l);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        return 0;
    }

    @Test
    void kernelRecordsJournaledWhileTheSinkIsDownSurviveASigkill() throws Exception {
        int port = LineReceiver.freePort();
        int n = 344;
        Path fixture = dir.resolve("fixture.kmsg");
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            text.append("6,").append(i).append(',').append(i * 1000L).append(",-;record ").append(i).append('\n');
        }
        Files.writeString(fixture, text, StandardCharsets.UTF_8);
        Path config = dir.resolve("kmsg.yaml");
        Files.writeString(config, "sources:\n"
                + "  kernel: { type: kmsg, path: " + fixture + ", from: start, state_file: kmsg.state,"
                + " state_interval: 50ms }\n"
                + "sinks:\n"
                + "  console: { type: console }\n"
                + "  out: { type: tcp, endpoint: \"tcp://127.0.0.1:" + port + "/\", format: text,"
                + " backoff_min: 50ms, backoff_max: 200ms }\n"
                + "routes:\n"
                + "  - from: [kernel]\n"
                + "    to: [console, out]\n", StandardCharsets.UTF_8);
        Path runtime = dir.resolve("run");
        Path state = runtime.resolve("kmsg.state");

        try (RouterProcess p = RouterProcess.start(runtime, "run", "--config", config.toString())) {
            // every record journaled and handed to the sinks: the console printed the last one
            p.awaitOut(l -> l.contains("kernel[kernel] info: record " + n), 60);
            // let the state file be saved several times (every 50ms) before the crash; a save is not
            // visible from outside while it may not claim anything, so this holds for 500ms instead
            Awaitility.await("state saves while the receiver is down").during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .untilAsserted(() -> {
                        assertThat(p.process.isAlive()).as("router running; err=%s", p.err).isTrue();
                        String saved = Files.exists(state) ? Files.readString(state) : "";
                        assertThat(saved).doesNotContain("seq=" + n + "\n");
                    });
            p.process.destroyForcibly(); // SIGKILL while the TCP receiver is down
            assertThat(p.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        // the state must not claim records the receiver never got
        if (Files.exists(state)) {
            assertThat(Files.readString(state)).doesNotContain("seq=" + n + "\n");
        }

        BitSet seen = new BitSet(n + 1);
        Pattern num = Pattern.compile("record (\\d+)$");
        try (LineReceiver receiver = new LineReceiver(port, line -> {
            Matcher m = num.matcher(line);
            if (m.find()) {
                synchronized (seen) {
                    seen.set(Integer.parseInt(m.group(1)));
                }
            }
        });
             RouterProcess p = RouterProcess.start(runtime, "run", "--config", config.toString())) {
            await(() -> {
                synchronized (seen) {
                    return seen.cardinality() == n;
                }
            }, Duration.ofSeconds(60), "every kernel record at the receiver; err=" + p.err);
            p.process.toHandle().destroy();
            assertThat(p.waitFor(30)).isZero();
        }
        // after a clean stop with everything delivered the state is the last record
        assertThat(Files.readString(state)).contains("seq=" + n + "\n");
    }
}
