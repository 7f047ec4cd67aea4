package dev.logrouter.core.framing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GoUtf8Test {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Decodes strictly: throws on anything that is not valid UTF-8. */
    private static String strict(byte[] utf8) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(utf8)).toString();
    }

    @Test
    void asciiAndValidInputAreCopiedAsTheyAre() {
        byte[] in = b("xx hello, wörld → 𝄞 done xx");
        byte[] out = GoUtf8.sanitize(in, 3, in.length - 6);
        assertThat(out).isEqualTo(b("hello, wörld → 𝄞 done"));
        byte[] ascii = b("0123456789abcdefghij");
        assertThat(GoUtf8.sanitize(ascii, 0, ascii.length)).isEqualTo(ascii).isNotSameAs(ascii);
    }

    @Test
    void eachInvalidByteBecomesOneReplacementCharacterAsGoDoes() throws Exception {
        // a surrogate encoded in UTF-8 is three invalid bytes for Go
        byte[] in = {'a', (byte) 0xed, (byte) 0xa0, (byte) 0x80, 'b', (byte) 0xff, (byte) 0xe2, (byte) 0x82};
        byte[] out = GoUtf8.sanitize(in, 0, in.length);
        assertThat(strict(out)).isEqualTo("a\ufffd\ufffd\ufffdb\ufffd\ufffd\ufffd");
    }

    @Test
    void sanitizedBytesAreValidAndDecodeToWhatDecodeGivesForAnyInput() throws Exception {
        Random rnd = new Random(11);
        byte[][] pieces = {b("a"), b("é"), b("→"), b("𝄞"), b("\ufffd"), {(byte) 0x80}, {(byte) 0xc3},
                {(byte) 0xe2, (byte) 0x86}, {(byte) 0xf0, (byte) 0x9d, (byte) 0x84}, {(byte) 0xff}, {(byte) 0xc0, (byte) 0xaf},
                b("plain ascii text "), {(byte) 0xed, (byte) 0xb0, (byte) 0x80}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};
        for (int iteration = 0; iteration < 20_000; iteration++) {
            ByteBuffer buf = ByteBuffer.allocate(256);
            int n = rnd.nextInt(12);
            for (int k = 0; k < n; k++) {
                byte[] p = pieces[rnd.nextInt(pieces.length)];
                if (buf.remaining() >= p.length) {
                    buf.put(p);
                }
            }
            byte[] in = java.util.Arrays.copyOf(buf.array(), buf.position());
            byte[] out = GoUtf8.sanitize(in, 0, in.length);
            assertThat(strict(out)).as("input %s", java.util.HexFormat.of().formatHex(in))
                    .isEqualTo(GoUtf8.decode(in, 0, in.length));
        }
    }
}
