package dev.logrouter.core.framing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineFramerTest {

    record Line(String text, boolean partial) {
    }

    private final List<Line> lines = new ArrayList<>();

    private LineFramer framer(int max) {
        return new LineFramer(max, (l, p) -> lines.add(new Line(new String(l, StandardCharsets.UTF_8), p)));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void feed(LineFramer f, String s) {
        byte[] d = b(s);
        f.feed(d, 0, d.length);
    }

    @Test
    void splitsOnLfAndCrLf() {
        LineFramer f = framer(1024);
        feed(f, "one\ntwo\r\nthree\n\n");
        assertThat(lines).containsExactly(new Line("one", false), new Line("two", false), new Line("three", false),
                new Line("", false));
        assertThat(f.hasPending()).isFalse();
    }

    @Test
    void crLfSplitAcrossChunks() {
        LineFramer f = framer(1024);
        feed(f, "abc\r");
        assertThat(lines).isEmpty();
        feed(f, "\ndef\n");
        assertThat(lines).containsExactly(new Line("abc", false), new Line("def", false));
    }

    @Test
    void loneCarriageReturnStaysInTheLine() {
        LineFramer f = framer(1024);
        feed(f, "a\rb\n");
        feed(f, "c\r");
        feed(f, "d\n");
        assertThat(lines).containsExactly(new Line("a\rb", false), new Line("c\rd", false));
    }

    @Test
    void lineSpanningManyChunksIsJoined() {
        LineFramer f = framer(1024);
        for (char c : "hello world".toCharArray()) {
            feed(f, String.valueOf(c));
        }
        assertThat(lines).isEmpty();
        feed(f, "\n");
        assertThat(lines).containsExactly(new Line("hello world", false));
    }

    @Test
    void longLineIsSplitIntoPartialPiecesWithNothingLost() {
        LineFramer f = framer(10);
        feed(f, "0123456789abcdefghijXYZ\nnext\n");
        assertThat(lines).containsExactly(new Line("0123456789", true), new Line("abcdefghij", true),
                new Line("XYZ", false), new Line("next", false));
    }

    @Test
    void longLineAcrossChunksIsSplitTheSameWay() {
        LineFramer f = framer(10);
        feed(f, "01234567");
        feed(f, "89abcdefghijX");
        feed(f, "YZ\n");
        assertThat(lines).containsExactly(new Line("0123456789", true), new Line("abcdefghij", true),
                new Line("XYZ", false));
    }

    @Test
    void lineOfExactlyMaxBytesIsOneRecord() {
        LineFramer f = framer(10);
        feed(f, "0123456789\n");
        assertThat(lines).containsExactly(new Line("0123456789", false));
    }

    @Test
    void cutNeverSplitsAUtf8Sequence() {
        LineFramer f = framer(10);
        // 8 ASCII bytes then a 3-byte euro sign: the piece is cut before the euro sign
        feed(f, "abcdefgh\u20acij\n");
        assertThat(lines).containsExactly(new Line("abcdefgh", true), new Line("\u20acij", false));
        lines.clear();
        LineFramer g = framer(10);
        feed(g, "abcdefgh");
        feed(g, "\u20acij\n");
        assertThat(lines).containsExactly(new Line("abcdefgh", true), new Line("\u20acij", false));
    }

    @Test
    void invalidUtf8BecomesReplacementCharacter() {
        LineFramer f = framer(100);
        byte[] d = {'a', (byte) 0xff, 'b', (byte) 0xc3, '\n'};
        f.feed(d, 0, d.length);
        assertThat(lines).containsExactly(new Line("a\ufffdb\ufffd", false));
    }

    @Test
    void invalidUtf8BecomesOneReplacementCharacterPerByteAsInGo() {
        LineFramer f = framer(100);
        // a surrogate encoded in UTF-8, an overlong slash, a sequence cut short: Go replaces each byte
        byte[] d = {'a', (byte) 0xed, (byte) 0xa0, (byte) 0x80, 'b', (byte) 0xc0, (byte) 0xaf, 'c',
                (byte) 0xe2, (byte) 0x82, '\n', (byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 0x80,
                (byte) 0xef, (byte) 0xbf, (byte) 0xbd, (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '\n'};
        f.feed(d, 0, d.length);
        assertThat(lines).containsExactly(new Line("a\ufffd\ufffd\ufffdb\ufffd\ufffdc\ufffd\ufffd", false),
                new Line("\ud83d\ude00\ufffd\ufffd\ufffd\ufffd\ufffd", false));
    }

    @Test
    void nulAndControlBytesAreKept() {
        LineFramer f = framer(100);
        byte[] d = {'a', 0, 'b', 0x1b, '[', 'm', 0x07, '\n'};
        f.feed(d, 0, d.length);
        assertThat(lines).containsExactly(new Line("a\0b\u001b[m\u0007", false));
    }

    @Test
    void flushEmitsPendingLineAsPartial() {
        LineFramer f = framer(100);
        feed(f, "done\nno newline");
        assertThat(f.hasPending()).isTrue();
        f.flush();
        assertThat(lines).containsExactly(new Line("done", false), new Line("no newline", true));
        assertThat(f.hasPending()).isFalse();
        f.flush();
        assertThat(lines).hasSize(2);
    }

    @Test
    void flushKeepsATrailingCarriageReturn() {
        LineFramer f = framer(100);
        feed(f, "x\r");
        f.flush();
        assertThat(lines).containsExactly(new Line("x\r", true));
    }

    @Test
    void byteBufferFeedsDirectAndHeapBuffers() {
        LineFramer f = framer(100);
        ByteBuffer heap = ByteBuffer.wrap(b("heap\n"));
        f.feed(heap);
        ByteBuffer direct = ByteBuffer.allocateDirect(16);
        direct.put(b("direct\n")).flip();
        f.feed(direct);
        assertThat(heap.hasRemaining()).isFalse();
        assertThat(direct.hasRemaining()).isFalse();
        assertThat(lines).containsExactly(new Line("heap", false), new Line("direct", false));
    }

    @Test
    void randomChunkingGivesTheSameLines() {
        Random rnd = new Random(42);
        StringBuilder sb = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            String line = "line-" + i + "-" + "x".repeat(rnd.nextInt(50)) + (i % 7 == 0 ? "\u00e9\u20ac" : "");
            expected.add(line);
            sb.append(line).append(i % 3 == 0 ? "\r\n" : "\n");
        }
        byte[] all = b(sb.toString());
        LineFramer f = framer(4096);
        int pos = 0;
        while (pos < all.length) {
            int n = Math.min(all.length - pos, 1 + rnd.nextInt(97));
            f.feed(all, pos, n);
            pos += n;
        }
        f.flush();
        assertThat(lines).extracting(Line::text).containsExactlyElementsOf(expected);
        assertThat(lines).noneMatch(Line::partial);
    }

    /**
     * The framer copies a line without a UTF-8 check when its newline search saw only ASCII: the search
     * must report every non-ASCII byte from where it started to the newline, at every offset.
     */
    @Test
    void newlineSearchReportsANonAsciiByteAnywhereBeforeTheNewline() {
        for (int from = 0; from < 9; from++) {
            for (int nl = from; nl < from + 40; nl++) {
                byte[] data = new byte[nl + 12];
                java.util.Arrays.fill(data, (byte) 'a');
                data[nl] = '\n';
                long clean = LineFramer.scanNewline(data, from, data.length);
                assertThat((int) clean).isEqualTo(nl);
                assertThat(clean >>> 32).as("ascii from %d to %d", from, nl).isZero();
                for (int at = from; at < nl; at++) {
                    for (byte high : new byte[] {(byte) 0x80, (byte) 0xc3, (byte) 0xff}) {
                        data[at] = high;
                        long scan = LineFramer.scanNewline(data, from, data.length);
                        assertThat((int) scan).isEqualTo(nl);
                        assertThat(scan >>> 32).as("byte %02x at %d, from %d, newline %d", high, at, from, nl)
                                .isNotZero();
                        data[at] = 'a';
                    }
                }
            }
        }
    }

    @Test
    void hundredMegabyteLineWithoutNewlineIsKeptWhole() {
        int max = 64 * 1024;
        long[] pieces = {0};
        long[] chars = {0};
        boolean[] allPartial = {true};
        LineFramer f = new LineFramer(max, (l, p) -> {
            pieces[0]++;
            chars[0] += l.length;
            allPartial[0] &= p;
            assertThat(l.length).isLessThanOrEqualTo(max);
        });
        byte[] chunk = new byte[64 * 1024 + 7];
        java.util.Arrays.fill(chunk, (byte) 'z');
        long total = 100L * 1024 * 1024;
        long fed = 0;
        while (fed < total) {
            int n = (int) Math.min(chunk.length, total - fed);
            f.feed(chunk, 0, n);
            fed += n;
        }
        f.flush();
        assertThat(chars[0]).isEqualTo(total);
        assertThat(pieces[0]).isEqualTo((total + max - 1) / max);
        assertThat(allPartial[0]).isTrue();
    }

    @Test
    void newlineSearchFindsTheFirstNewlineAtEveryOffsetAmongLookalikeBytes() {
        // bytes one bit away from \n (0x0b, 0x09, 0x8a, 0x0a | 0x80) and 0x00/0xff around it, so a
        // word-at-a-time search that marks the wrong byte or misses one fails here
        byte[] fill = {0x0b, 0x09, (byte) 0x8a, 0x00, (byte) 0xff, 0x01, 0x0e, 0x2a};
        int checked = 0;
        for (int len = 0; len <= 40; len++) {
            for (int from = 0; from <= 3; from++) {
                byte[] data = new byte[from + len];
                for (int i = 0; i < data.length; i++) {
                    data[i] = fill[(i * 7 + len) % fill.length];
                }
                assertThat(LineFramer.indexOfNewline(data, from, data.length)).isEqualTo(-1);
                for (int nl = from; nl < data.length; nl++) {
                    byte[] withNl = data.clone();
                    withNl[nl] = '\n';
                    // a second newline later must not win
                    if (nl + 3 < withNl.length) {
                        withNl[nl + 3] = '\n';
                    }
                    assertThat(LineFramer.indexOfNewline(withNl, from, withNl.length)).as("len %d nl %d", len, nl)
                            .isEqualTo(nl);
                    // and one at or after the end bound is not found
                    assertThat(LineFramer.indexOfNewline(withNl, from, nl)).isEqualTo(-1);
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(3280);
    }
}
