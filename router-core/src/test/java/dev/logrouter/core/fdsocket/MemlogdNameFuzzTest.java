package dev.logrouter.core.fdsocket;

import dev.logrouter.core.testsupport.TestSpecs;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.logrouter.core.testsupport.RecordInvariants;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzes the memlogd datagram name: the bytes a client sends beside its fd, decoded as the fd socket
 * does (at most {@link FdSocketSource#MAX_NAME_BYTES}, UTF-8) and mapped to service and stream.
 * Regression mode (every build) runs the corpus in {@code MemlogdNameFuzzTestInputs/map};
 * {@code JAZZER_FUZZ=1} fuzzes (see docs/reliability.md).
 */
class MemlogdNameFuzzTest {

    @FuzzTest(maxDuration = "90s")
    void map(byte[] datagram) {
        if (datagram.length == 0) {
            // the session drops a datagram with an empty name before mapping it
            return;
        }
        int n = Math.min(datagram.length, FdSocketSource.MAX_NAME_BYTES);
        String raw = new String(datagram, 0, n, StandardCharsets.UTF_8);

        check(raw, TestSpecs.STDOUT_SUFFIXES, TestSpecs.STDERR_SUFFIXES);
        // configured suffixes taken from the name itself, so that the suffix paths are exercised
        // (whole code points: a configured suffix is valid text and never starts inside a surrogate pair)
        int codePoints = raw.codePointCount(0, raw.length());
        String tail = raw.substring(raw.offsetByCodePoints(0, Math.max(0, codePoints - 1 - (datagram[0] & 3))));
        check(raw, List.of(tail, ".out"), List.of("", tail));
        check(raw, List.of(""), List.of(tail));
    }

    private static void check(String raw, List<String> stdout, List<String> stderr) {
        MemlogdName m = MemlogdName.map(raw, stdout, stderr);
        assertThat(m.raw()).isEqualTo(raw);
        assertThat(m.stream()).isIn("stdout", "stderr");
        RecordInvariants.assertValidText("service", m.service());
        assertThat(m.service()).as("a non-empty name never maps to an empty service").isNotEmpty();
        assertThat(raw).startsWith(m.service());
        String suffix = raw.substring(m.service().length());
        if (m.stream().equals("stdout")) {
            assertThat(stdout).contains(suffix);
            assertThat(suffix).isNotEmpty();
        } else if (!suffix.isEmpty()) {
            assertThat(stderr).contains(suffix);
            assertThat(stdout.stream().noneMatch(s -> !s.isEmpty() && raw.length() > s.length() && raw.endsWith(s)))
                    .as("stdout suffixes win").isTrue();
        } else {
            assertThat(m.service()).isEqualTo(raw);
        }
        // the first matching stdout suffix wins
        for (String s : stdout) {
            if (!s.isEmpty() && raw.length() > s.length() && raw.endsWith(s)) {
                assertThat(m.stream()).isEqualTo("stdout");
                assertThat(m.service()).isEqualTo(raw.substring(0, raw.length() - s.length()));
                break;
            }
        }
    }
}
