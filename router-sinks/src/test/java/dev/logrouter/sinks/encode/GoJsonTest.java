package dev.logrouter.sinks.encode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GoJsonTest {

    private static String viaText(String s) {
        EncodedBuffer out = new EncodedBuffer(16);
        GoJson.writeString(out, s);
        return out.toString();
    }

    private static String viaBytes(byte[] utf8, int from, int to) {
        EncodedBuffer out = new EncodedBuffer(16);
        out.write('x'); // the copy must land after what the buffer holds
        GoJson.writeString(out, utf8, from, to);
        return out.toString(1);
    }

    @Test
    void bytesAreWrittenWithGoEscapes() {
        byte[] in = "a\"b\\c<d>e&f\u0001\n\t\u2028\u2029\ufffd é → 𝄞 \u007f".getBytes(StandardCharsets.UTF_8);
        assertThat(viaBytes(in, 0, in.length)).isEqualTo(
                "\"a\\\"b\\\\c\\u003cd\\u003ee\\u0026f\\u0001\\n\\t\\u2028\\u2029\\ufffd é → 𝄞 \u007f\"");
    }

    /**
     * The byte path (messages the framer hands over) and the text path (messages built as strings)
     * write the same bytes, for every special character at every position relative to the eight-byte
     * steps of the copy loop.
     */
    @Test
    void bytePathWritesWhatTheTextPathWritesAtEveryOffset() {
        String[] pieces = {"a", "Z", " ", "~", "\u007f", "\"", "\\", "<", ">", "&", "=", "?", ";", "\n", "\r", "\t",
            "\u0000", "\u001f", "é", "ÿ", "→", "\u2028", "\u2029", "\ufffd", "𝄞", "plain words "};
        Random rnd = new Random(7);
        for (int iteration = 0; iteration < 30_000; iteration++) {
            StringBuilder sb = new StringBuilder();
            int n = rnd.nextInt(40);
            for (int k = 0; k < n; k++) {
                sb.append(pieces[rnd.nextInt(pieces.length)]);
            }
            String s = sb.toString();
            byte[] utf8 = ("[" + s + "]").getBytes(StandardCharsets.UTF_8);
            assertThat(viaBytes(utf8, 1, utf8.length - 1)).as("%s", s).isEqualTo(viaText(s));
        }
    }
}
