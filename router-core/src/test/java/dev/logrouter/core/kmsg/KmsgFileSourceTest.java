package dev.logrouter.core.kmsg;

import static dev.logrouter.core.testsupport.Conditions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.record.LogRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

/** End to end through the real file path: {@code path} pointing at a regular fixture file. */
class KmsgFileSourceTest {

    @TempDir
    Path tmp;

    private static KmsgSpec spec(Path file, KmsgFrom from, Path state) {
        return new KmsgSpec("kernel", file, from, state, Duration.ofMillis(50), 0, null, Duration.ofMillis(20));
    }

    private static String records(long first, int n) {
        StringBuilder b = new StringBuilder();
        for (long s = first; s < first + n; s++) {
            b.append("6,").append(s).append(',').append(s * 1000).append(",-;file record ").append(s).append('\n');
            if (s % 2 == 0) {
                b.append(" SUBSYSTEM=pci\n DEVICE=+pci:0000:00:0").append(s % 10).append(".0\n");
            }
        }
        return b.toString();
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }


    @Test
    void corpusFileGivesTheSameRecordsAsTheParser() throws IOException {
        Path file = tmp.resolve("corpus.kmsg");
        String corpus = KmsgRecordParserTest.resource("/kmsg/corpus.txt");
        Files.writeString(file, corpus + "\n\nthis line is garbage\n", StandardCharsets.UTF_8);
        List<String> groups = KmsgRecordParserTest.recordGroups(corpus);
        KmsgRecordParser parser = new KmsgRecordParser("kernel");
        List<LogRecord> got = new KmsgSource(spec(file, KmsgFrom.START, null)).records()
                .filter(r -> !r.isGap())
                .take(groups.size() + 1)
                .collectList().block(Duration.ofSeconds(10));
        for (int i = 0; i < groups.size(); i++) {
            LogRecord expected = parser.parse(groups.get(i).getBytes(StandardCharsets.UTF_8), 0);
            assertThat(got.get(i).msg()).isEqualTo(expected.msg());
            assertThat(got.get(i).fields()).isEqualTo(expected.fields());
        }
        assertThat(got.get(groups.size()).fields()).containsKey("parse_error");
        assertThat(got.get(groups.size()).msg()).isEqualTo("this line is garbage");
    }

    @Test
    void followsTheFileAndRestartsWhenItIsRewritten() throws Exception {
        Path file = tmp.resolve("kmsg.txt");
        Files.writeString(file, records(0, 4));
        List<LogRecord> got = Collections.synchronizedList(new ArrayList<>());
        Disposable d = new KmsgSource(spec(file, KmsgFrom.START, null)).records().subscribe(got::add);
        await(() -> got.size() == 4);
        append(file, records(4, 3));
        await(() -> got.size() == 7);
        // truncated and rewritten with lower sequence numbers: forwarded, nothing dropped
        Files.writeString(file, records(0, 2));
        await(() -> got.size() == 9);
        d.dispose();
        assertThat(got).extracting(KmsgRecordParser::seqOf).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 0L, 1L);
        assertThat(got.get(4).fields()).containsEntry("SUBSYSTEM", "pci").containsEntry("DEVICE", "+pci:0000:00:04.0");
        assertThat(got).noneMatch(LogRecord::isGap);
    }

    @Test
    void fromEndSkipsTheExistingContent() throws Exception {
        Path file = tmp.resolve("kmsg.txt");
        Files.writeString(file, records(0, 10));
        List<LogRecord> got = Collections.synchronizedList(new ArrayList<>());
        Disposable d = new KmsgSource(spec(file, KmsgFrom.END, null)).records().subscribe(got::add);
        // the reader seeked to the end and waits for more: what is appended now is after its position
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                .untilAsserted(() -> assertThat(ReaderThread.isWaitingIn("kmsg-kernel", "KmsgFileDevice.awaitData"))
                        .as("reader waiting at the end of the file; now: %s", ReaderThread.stack("kmsg-kernel"))
                        .isTrue());
        append(file, records(10, 2));
        await(() -> got.size() == 2);
        d.dispose();
        assertThat(got).extracting(KmsgRecordParser::seqOf).containsExactly(10L, 11L);
    }

    @Test
    void stateFileCarriesThePositionAcrossRestarts() throws Exception {
        Path file = tmp.resolve("kmsg.txt");
        Path state = tmp.resolve("kmsg.state");
        Files.writeString(file, records(0, 5));
        List<LogRecord> first = new KmsgSource(spec(file, KmsgFrom.START, state)).records().take(3)
                .collectList().block(Duration.ofSeconds(10));
        assertThat(first).extracting(KmsgRecordParser::seqOf).containsExactly(0L, 1L, 2L);
        assertThat(Files.readString(state)).contains("seq=2\n").doesNotContain("boot_id");
        append(file, records(5, 1));
        List<LogRecord> second = new KmsgSource(spec(file, KmsgFrom.START, state)).records().take(3)
                .collectList().block(Duration.ofSeconds(10));
        assertThat(second).extracting(KmsgRecordParser::seqOf).containsExactly(3L, 4L, 5L);
    }
}
