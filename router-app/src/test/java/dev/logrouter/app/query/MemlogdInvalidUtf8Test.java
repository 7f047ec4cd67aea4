package dev.logrouter.app.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.framing.LineFramer;
import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * memlogd (Go) replaces each invalid UTF-8 byte with U+FFFD when it marshals a line: a line framed
 * by logrouter must come out of the memlogd query form and the logread form the same way.
 */
class MemlogdInvalidUtf8Test {

    private static final long T = 1_719_948_171_974_497_577L;

    @Test
    void oneReplacementPerInvalidByteInTheJsonAndLogreadForms() {
        List<byte[]> lines = new ArrayList<>();
        LineFramer f = new LineFramer(1024, (line, partial) -> lines.add(line));
        byte[] in = {'a', (byte) 0xed, (byte) 0xa0, (byte) 0x80, 'b', (byte) 0xe2, (byte) 0x82, '\n'};
        f.feed(in, 0, in.length);
        LogRecord r = LogRecord.ofUtf8(T, "fd", "hello", "stdout", Level.INFO, lines.get(0),
                Map.of(FieldNames.MEMLOGD_NAME, "hello.out"), LogRecord.Kind.NORMAL).withCursor(1);
        assertThat(MemlogdFormat.jsonLine(r)).isEqualTo("{\"time\":\"2024-07-02T19:22:51.974497577Z\",\"source\":"
                + "\"hello.out\",\"msg\":\"a\\ufffd\\ufffd\\ufffdb\\ufffd\\ufffd\"}\n");
        assertThat(MemlogdFormat.logreadLine(r))
                .isEqualTo("2024-07-02T19:22:51.974497577Z;hello.out;a\ufffd\ufffd\ufffdb\ufffd\ufffd\n");
    }
}
