package dev.logrouter.sinks.encode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EncodedBufferTest {

    @Test
    void decimalDigitsAreLongToString() {
        long[] edges = {0, 1, -1, 9, 10, -10, 99, 100, 999_999_999L, 1_000_000_000L, Integer.MAX_VALUE,
                Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1};
        EncodedBuffer b = new EncodedBuffer(16);
        for (long v : edges) {
            b.reset();
            b.writeDecimal(v);
            assertThat(b.toString()).isEqualTo(Long.toString(v));
        }
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 10_000; i++) {
            long v = rnd.nextLong() >> rnd.nextInt(64);
            b.reset();
            b.write('x');
            b.writeDecimal(v);
            assertThat(b.toString()).isEqualTo("x" + v);
        }
    }

    @Test
    void asciiCharsAreOneByteEachAndTheBufferGrows() {
        EncodedBuffer b = new EncodedBuffer(16);
        char[] chars = "2024-07-02T19:22:51.974497577Z".toCharArray();
        for (int i = 0; i < 3; i++) {
            b.writeAscii(chars, 0, chars.length);
        }
        b.writeAscii(chars, 4, 3);
        assertThat(b.toString()).isEqualTo(new String(chars).repeat(3) + "-07");
    }
}
