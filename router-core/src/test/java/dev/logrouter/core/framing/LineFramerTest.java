package dev.logrouter.core.framing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineFramerTest {

    record Line(String text, boolean partial) {
    }

    private final List<Line> lines = new ArrayList<>();

    private LineFramer framer(int max) {
        return new LineFramer(max, (l, p) -> lines.add(new Line(l, p)));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void splitsOnLfAndCrLf() {
        LineFramer f = framer(1024);
        byte[] d = b("one\ntwo\r\nthree\n");
        f.feed(d, 0, d.length);
        assertThat(lines).containsExactly(new Line("one", false), new Line("two", false), new Line("three", false));
        assertThat(f.hasPending()).isFalse();
    }

    @Test
    void crLfSplitAcrossChunks() {
        LineFramer f = framer(1024);
        byte[] a = b("abc\r");
        byte[] c = b("\ndef\n");
        f.feed(a, 0, a.length);
        assertThat(lines).isEmpty();
        f.feed(c, 0, c.length);
        assertThat(lines).containsExactly(new Line("abc", false), new Line("def", false));
    }
}
