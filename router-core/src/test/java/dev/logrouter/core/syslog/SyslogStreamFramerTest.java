package dev.logrouter.core.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyslogStreamFramerTest {

    record Msg(String text, boolean truncated) {
    }

    private final List<Msg> out = new ArrayList<>();

    private SyslogStreamFramer framer(int max) {
        return new SyslogStreamFramer(max, (d, off, len, cut) ->
                out.add(new Msg(new String(d, off, len, StandardCharsets.UTF_8), cut)));
    }

    private static void feedByteByByte(SyslogStreamFramer f, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) {
            f.feed(b, i, 1);
        }
    }

    @Test
    void mixesOctetCountingAndLfFraming() {
        SyslogStreamFramer f = framer(1024);
        String counted = "<13>1 - h a - - - with\nnewline";
        String s = counted.length() + " " + counted + "<14>lf framed\n11 <15>abc\ndefx";
        feedByteByByte(f, s);
        f.finish();
        assertThat(out).containsExactly(new Msg(counted, false), new Msg("<14>lf framed", false),
                new Msg("<15>abc\ndef", false), new Msg("x", false));
    }

    @Test
    void digitsThatAreNotALengthStartAnLfMessage() {
        SyslogStreamFramer f = framer(1024);
        byte[] b = "2024-11-22 was a day\n".getBytes(StandardCharsets.UTF_8);
        f.feed(b, 0, b.length);
        assertThat(out).containsExactly(new Msg("2024-11-22 was a day", false));
    }

    @Test
    void oversizedMessagesAreCutAndTheRestSkippedAndCounted() {
        SyslogStreamFramer f = framer(16);
        String s = "30 " + "a".repeat(30) + "<13>" + "b".repeat(40) + "\nnext\n";
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        f.feed(b, 0, b.length);
        assertThat(out).containsExactly(new Msg("a".repeat(16), true), new Msg("<13>" + "b".repeat(12), true),
                new Msg("next", false));
        assertThat(f.droppedBytes()).isEqualTo(14 + 28);
    }

    @Test
    void incompleteCountedMessageAtEofIsDeliveredAsTruncated() {
        SyslogStreamFramer f = framer(100);
        byte[] b = "50 <13>short".getBytes(StandardCharsets.UTF_8);
        f.feed(b, 0, b.length);
        f.finish();
        assertThat(out).containsExactly(new Msg("<13>short", true));
    }
}
