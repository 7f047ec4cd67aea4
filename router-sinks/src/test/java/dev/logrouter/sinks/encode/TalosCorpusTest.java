package dev.logrouter.sinks.encode;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logrouter.core.framing.LineFramer;
import dev.logrouter.core.kmsg.KmsgRecordParser;
import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Talos json_lines, case by case against the corpora in {@code src/test/resources/talos/} whose
 * expected lines were derived from Talos's source: the input goes through the real line framer (or
 * kmsg parser) and the Talos encoder, and the output must equal the expected line byte for byte,
 * and field for field (same keys, same JSON types and values).
 */
class TalosCorpusTest {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    /** 2026-01-02T03:04:05.123456789Z: the record time of service lines. */
    private static final long T0 = 1_767_323_045_123_456_789L;
    /** 2026-01-02T00:00:00Z: boot time of kernel records. */
    private static final long BOOT = 1_767_312_000_000_000_000L;

    record Case(int line, byte[] input, String expected) {
    }

    @TestFactory
    List<DynamicTest> serviceLinesAsTalosSendsThem() throws IOException {
        List<Case> cases = read("service-corpus.txt", false);
        assertThat(cases).hasSizeGreaterThan(80);
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases) {
            tests.add(DynamicTest.dynamicTest("line " + c.line() + ": " + preview(c.input()), () -> {
                // as the fd socket source hands it over (the message kept as UTF-8), and the same
                // record with its message as text, as other sources build them: the same output
                LogRecord bytes = frame(c.input());
                assertThat(bytes.msgUtf8()).isNotNull();
                LogRecord text = bytes.withMsg(bytes.msg());
                for (LogRecord r : List.of(bytes, text)) {
                    JsonLinesEncoder enc = new JsonLinesEncoder();
                    if (c.expected().equals("SKIP")) {
                        assertThat(enc.skips(r)).as("Talos skips this line").isTrue();
                        assertThat(enc.skipped()).isEqualTo(1);
                        continue;
                    }
                    assertThat(enc.skips(r)).isFalse();
                    EncodedBuffer out = new EncodedBuffer(16);
                    enc.encode(r, out);
                    assertSameJson(out.toByteArray(), c.expected());
                }
            }));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> kernelRecordsAsTalosSendsThem() throws IOException {
        List<Case> cases = read("kernel-corpus.txt", true);
        assertThat(cases).hasSizeGreaterThan(10);
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases) {
            tests.add(DynamicTest.dynamicTest("line " + c.line() + ": " + preview(c.input()), () -> {
                LogRecord r = new KmsgRecordParser("kmsg").parse(c.input(), BOOT);
                assertThat(r.fields()).doesNotContainKey(FieldNames.PARSE_ERROR);
                // extra tags never reach kernel records, as in Talos
                JsonLinesEncoder enc = new JsonLinesEncoder(FieldSet.TALOS, Map.of("cluster", "prod"), null, false);
                EncodedBuffer out = new EncodedBuffer(16);
                enc.encode(r, out);
                assertSameJson(out.toByteArray(), c.expected());
            }));
        }
        return tests;
    }

    private static void assertSameJson(byte[] actual, String expected) throws IOException {
        JsonNode a = JSON.readTree(actual);
        JsonNode e = JSON.readTree(expected);
        assertThat(fieldNames(a)).as("keys").isEqualTo(fieldNames(e));
        Iterator<Map.Entry<String, JsonNode>> it = e.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> f = it.next();
            assertThat(a.get(f.getKey()).getNodeType()).as("type of " + f.getKey()).isEqualTo(f.getValue().getNodeType());
            assertThat(a.get(f.getKey())).as("value of " + f.getKey()).isEqualTo(f.getValue());
        }
        assertThat(new String(actual, StandardCharsets.UTF_8)).as("bytes").isEqualTo(expected);
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> k = new ArrayList<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }

    /** One service line through the real framer, as an fd-socket record of service web. */
    private static LogRecord frame(byte[] input) {
        List<byte[]> lines = new ArrayList<>();
        LineFramer f = new LineFramer(64 * 1024, (line, partial) -> lines.add(line));
        byte[] withNewline = new byte[input.length + 1];
        System.arraycopy(input, 0, withNewline, 0, input.length);
        withNewline[input.length] = '\n';
        f.feed(withNewline, 0, withNewline.length);
        assertThat(lines).hasSize(1);
        return LogRecord.ofUtf8(T0, "fd", "web", "stdout", Level.INFO, lines.get(0),
                Map.of("memlogd_name", "web.out"), LogRecord.Kind.NORMAL);
    }

    /** Reads "> input" / "< expected" pairs; kernel inputs join their "> " lines with newlines. */
    private static List<Case> read(String name, boolean kernel) throws IOException {
        byte[] all;
        try (InputStream in = TalosCorpusTest.class.getResourceAsStream("/talos/" + name)) {
            all = in.readAllBytes();
        }
        String[] lines = new String(all, StandardCharsets.UTF_8).split("\n", -1);
        List<Case> cases = new ArrayList<>();
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        int first = 0;
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (l.startsWith("> ")) {
                if (input.size() == 0) {
                    first = i + 1;
                }
                byte[] b = kernel ? l.substring(2).getBytes(StandardCharsets.UTF_8) : unescape(l.substring(2));
                input.write(b, 0, b.length);
                if (kernel) {
                    input.write('\n');
                }
            } else if (l.startsWith("< ")) {
                cases.add(new Case(first, input.toByteArray(), l.substring(2)));
                input.reset();
            }
        }
        return cases;
    }

    /** {@code \xHH} is the byte HH; everything else is UTF-8 text. */
    private static byte[] unescape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < s.length()) {
            if (s.startsWith("\\x", i) && i + 4 <= s.length()) {
                out.write(Integer.parseInt(s.substring(i + 2, i + 4), 16));
                i += 4;
            } else {
                int cp = s.codePointAt(i);
                byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i += Character.charCount(cp);
            }
        }
        return out.toByteArray();
    }

    private static String preview(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", "?");
        return s.length() > 50 ? s.substring(0, 50) + "..." : s;
    }
}
