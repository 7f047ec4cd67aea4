package dev.logrouter.sinks.encode;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.record.Rfc3339;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EncodersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T = 1_719_948_171_974_497_577L; // 2024-07-02T19:22:51.974497577Z

    private static LogRecord service(String msg) {
        return new LogRecord(42, T, "exec", "web", "stderr", Level.WARNING, msg, Map.of(), LogRecord.Kind.NORMAL);
    }

    private static LogRecord kernel() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("clock", 12345678L);
        f.put("facility", "kern");
        f.put("priority", "err");
        f.put("seq", 991L);
        f.put("SUBSYSTEM", "pci");
        return new LogRecord(7, T, "kmsg", "kernel", "kernel", Level.ERR, "oops", f, LogRecord.Kind.NORMAL);
    }

    private static String encode(RecordEncoder e, LogRecord r) {
        EncodedBuffer b = new EncodedBuffer(16);
        e.encode(r, b);
        return b.toString();
    }

    private static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }

    @Test
    void talosServiceRecordHasExactlyTalosKeys() throws Exception {
        String line = encode(new JsonLinesEncoder(), service("hello"));
        JsonNode n = JSON.readTree(line);
        assertThat(keys(n)).containsExactly("msg", "talos-level", "talos-service", "talos-time");
        assertThat(n.get("msg").asText()).isEqualTo("hello");
        assertThat(n.get("talos-level").asText()).isEqualTo("warn");
        assertThat(n.get("talos-service").asText()).isEqualTo("web");
        assertThat(n.get("talos-time").asText()).isEqualTo("2024-07-02T19:22:51.974497577Z");
    }

    @Test
    void talosKernelRecordHasExactlyKernelKeysAndNoService() throws Exception {
        JsonNode n = JSON.readTree(encode(new JsonLinesEncoder(), kernel()));
        assertThat(keys(n)).containsExactly("clock", "facility", "msg", "priority", "seq", "talos-level", "talos-time");
        assertThat(n.get("clock").asLong()).isEqualTo(12345678L);
        assertThat(n.get("facility").asText()).isEqualTo("kern");
        assertThat(n.get("priority").asText()).isEqualTo("err");
        assertThat(n.get("seq").asLong()).isEqualTo(991L);
        assertThat(n.get("talos-level").asText()).isEqualTo("error");
    }

    @Test
    void talosLevelsMapAsTalosDoes() {
        assertThat(JsonLinesEncoder.talosLevel(Level.EMERG)).isEqualTo("error");
        assertThat(JsonLinesEncoder.talosLevel(Level.CRIT)).isEqualTo("error");
        assertThat(JsonLinesEncoder.talosLevel(Level.WARNING)).isEqualTo("warn");
        assertThat(JsonLinesEncoder.talosLevel(Level.NOTICE)).isEqualTo("info");
        assertThat(JsonLinesEncoder.talosLevel(Level.INFO)).isEqualTo("info");
        assertThat(JsonLinesEncoder.talosLevel(Level.DEBUG)).isEqualTo("debug");
    }

    @Test
    void extraTagsOverrideOtherKeysWithoutDuplicates() throws Exception {
        JsonLinesEncoder e = new JsonLinesEncoder(FieldSet.TALOS,
                Map.of("talos-service", "overridden", "cluster", "prod"), "node-1", true);
        String line = encode(e, service("m").withFields(Map.of("cluster", "field", "err", "x")));
        JsonNode n = JSON.readTree(line);
        assertThat(n.get("talos-service").asText()).isEqualTo("overridden");
        assertThat(n.get("cluster").asText()).isEqualTo("prod");
        assertThat(n.get("host").asText()).isEqualTo("node-1");
        assertThat(n.get("cursor").asLong()).isEqualTo(42);
        assertThat(n.get("err").asText()).isEqualTo("x");
        // each key exactly once
        assertThat(line.split("\"talos-service\"", -1)).hasSize(2);
        assertThat(line.split("\"cluster\"", -1)).hasSize(2);
    }

    @Test
    void ecsFieldSet() throws Exception {
        JsonLinesEncoder e = new JsonLinesEncoder(FieldSet.ECS, Map.of(), "node-1", false);
        JsonNode n = JSON.readTree(encode(e, service("m").withFields(Map.of("err", "boom"))));
        assertThat(n.get("@timestamp").asText()).isEqualTo("2024-07-02T19:22:51.974497577Z");
        assertThat(n.get("message").asText()).isEqualTo("m");
        assertThat(n.at("/log/level").asText()).isEqualTo("warning");
        assertThat(n.at("/service/name").asText()).isEqualTo("web");
        assertThat(n.at("/host/name").asText()).isEqualTo("node-1");
        assertThat(n.at("/event/sequence").asLong()).isEqualTo(42);
        assertThat(n.at("/labels/stream").asText()).isEqualTo("stderr");
        assertThat(n.at("/fields/err").asText()).isEqualTo("boom");
    }

    @Test
    void controlCharactersAndUnicodeStayOneValidUtf8Line() throws Exception {
        StringBuilder nasty = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            nasty.append(c);
        }
        nasty.append("\u007f \"quote\" back\\slash é 漢 \uD83D\uDE00 lone\uD800x end\u2028");
        for (FieldSet fs : FieldSet.values()) {
            EncodedBuffer b = new EncodedBuffer(8);
            new JsonLinesEncoder(fs, Map.of("t", "a\nb"), null, false).encode(service(nasty.toString()), b);
            byte[] bytes = b.toByteArray();
            for (byte x : bytes) {
                assertThat(x).isNotEqualTo((byte) '\n').isNotEqualTo((byte) '\r');
                assertThat(x & 0xff).isGreaterThanOrEqualTo(0x20);
            }
            String text = strictUtf8(bytes);
            JsonNode n = JSON.readTree(text);
            String msg = (fs == FieldSet.ECS ? n.get("message") : n.get("msg")).asText();
            assertThat(msg).startsWith(nasty.substring(0, 0x20)).contains("\"quote\"", "漢", "\uD83D\uDE00");
        }
    }

    private static String strictUtf8(byte[] b) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    }

    @Test
    void generatorIsReusedAcrossRecordsWithoutSeparators() throws Exception {
        JsonLinesEncoder e = new JsonLinesEncoder();
        FramedEncoder f = new FramedEncoder(e, Framing.LF);
        EncodedBuffer b = new EncodedBuffer();
        for (int i = 0; i < 1000; i++) {
            f.append(service("line " + i), b);
        }
        String[] lines = b.toString().split("\n", -1);
        assertThat(lines).hasSize(1001);
        assertThat(lines[1000]).isEmpty();
        for (int i = 0; i < 1000; i++) {
            assertThat(lines[i]).startsWith("{");
            assertThat(JSON.readTree(lines[i]).get("msg").asText()).isEqualTo("line " + i);
        }
    }

    @Test
    void logreadLineEscapesSemicolonsInSource() {
        LogRecord out = new LogRecord(1, T, "memlogd", "a;b", "stdout", Level.INFO, "x\ny", Map.of(),
                LogRecord.Kind.NORMAL);
        assertThat(encode(new LogreadEncoder(), out)).isEqualTo("2024-07-02T19:22:51.974497577Z;a\\;b.out;x\\ny");
        LogRecord err = new LogRecord(1, T, "memlogd", "svc", "stderr", Level.INFO, "e", Map.of(),
                LogRecord.Kind.NORMAL);
        assertThat(encode(new LogreadEncoder(), err)).isEqualTo("2024-07-02T19:22:51.974497577Z;svc;e");
    }

    @Test
    void rfc5424MessageWithMicrosecondsAndFraming() {
        Rfc5424Encoder e = new Rfc5424Encoder("local0", "node-1");
        String s = encode(e, service("hi there\n"));
        assertThat(s).isEqualTo("<132>1 2024-07-02T19:22:51.974497Z node-1 web - stderr "
                + "[logrouter@32473 cursor=\"42\" source=\"exec\"] hi there\\n");
        assertThat(encode(e, kernel())).startsWith("<3>1 ");
        EncodedBuffer b = new EncodedBuffer();
        new FramedEncoder(e, Framing.OCTET_COUNTED).append(service("x"), b);
        String framed = b.toString();
        int sp = framed.indexOf(' ');
        assertThat(Integer.parseInt(framed.substring(0, sp)))
                .isEqualTo(framed.substring(sp + 1).getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void rfc3339FractionDigits() {
        StringBuilder sb = new StringBuilder();
        Rfc3339.append(sb, 1_000_000_000L + 120_000_000L, 6);
        assertThat(sb).hasToString("1970-01-01T00:00:01.12Z");
        sb.setLength(0);
        Rfc3339.append(sb, 1_000_000_000L + 999L, 6);
        assertThat(sb).hasToString("1970-01-01T00:00:01Z");
    }

    @Test
    void textEncoderStreamAndStringFormsAgree() {
        dev.logrouter.sinks.text.TextEncoder t = new dev.logrouter.sinks.text.TextEncoder();
        LogRecord r = service("a\tb");
        assertThat(encode(t, r)).isEqualTo(t.encode(r)).isEqualTo("2024-07-02T19:22:51.974497577Z web[stderr] warning: a\\tb");
    }

    @Test
    void cachedTimeFormatterMatchesThePlainOneAcrossSeconds() {
        Rfc3339.Cached cached = new Rfc3339.Cached();
        char[] out = new char[48];
        java.util.Random rnd = new java.util.Random(42);
        long t = T;
        for (int i = 0; i < 20_000; i++) {
            t += rnd.nextInt(3) == 0 ? rnd.nextInt(2_000_000_000) : rnd.nextInt(1000) * 1000L;
            if (i % 1000 == 0) {
                t = t / 1_000_000_000L * 1_000_000_000L; // whole seconds too
            }
            for (int digits : new int[] {9, 6, 3, 0}) {
                StringBuilder plain = new StringBuilder();
                Rfc3339.append(plain, t, digits);
                assertThat(new String(out, 0, cached.format(t, digits, out))).isEqualTo(plain.toString());
            }
        }
        StringBuilder old = new StringBuilder();
        Rfc3339.append(old, -1_500_000_000L, 9);
        assertThat(old).hasToString("1969-12-31T23:59:58.5Z");
        assertThat(new String(out, 0, cached.format(-1_500_000_000L, 9, out))).isEqualTo("1969-12-31T23:59:58.5Z");
    }

    @Test
    void kernelRecordFromTheKmsgParserHasExactlyTalosKernelKeys() throws Exception {
        LogRecord r = new dev.logrouter.core.kmsg.KmsgRecordParser("kmsg").parse(
                "6,991,12345678,-,caller=T1;eth0: link up \\x0a\n SUBSYSTEM=net\n DEVICE=n2\n"
                        .getBytes(StandardCharsets.UTF_8), 1_700_000_000_000_000_000L);
        JsonNode n = JSON.readTree(encode(new JsonLinesEncoder(), r.withCursor(5)));
        assertThat(keys(n)).containsExactly("clock", "facility", "msg", "priority", "seq", "talos-level", "talos-time");
        assertThat(n.get("clock").asLong()).isEqualTo(12345678L);
        assertThat(n.get("facility").asText()).isEqualTo("kern");
        assertThat(n.get("priority").asText()).isEqualTo("info");
        assertThat(n.get("seq").asLong()).isEqualTo(991L);
        assertThat(n.get("talos-level").asText()).isEqualTo("info");
        assertThat(n.get("msg").asText()).startsWith("eth0: link up");
    }
}
