package dev.logrouter.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLineParserTest {

    private final JsonLineParser parser = new JsonLineParser();
    private static final long NOW = 1_700_000_000_000_000_000L;

    private JsonLineParser.Parsed parse(String line) {
        return parser.parse(line, NOW, "net", "default-svc", "tcp", Map.of("peer", "127.0.0.1"));
    }

    @Test
    void liftsKnownKeysAndKeepsTheRestInOrder() {
        JsonLineParser.Parsed p = parse("{\"time\":\"2024-07-02T19:22:51.974497577Z\",\"level\":\"warn\",\"msg\":\"hello\","
                + "\"service\":\"api\",\"user\":\"bob\",\"n\":3,\"ok\":true,\"f\":1.5,\"nil\":null,"
                + "\"obj\":{\"a\":[1,\"x\",{\"b\":null}]}}");
        assertThat(p.ok()).isTrue();
        LogRecord r = p.record();
        assertThat(r.msg()).isEqualTo("hello");
        assertThat(r.level()).isEqualTo(Level.WARNING);
        assertThat(r.service()).isEqualTo("api");
        assertThat(r.stream()).isEqualTo("tcp");
        assertThat(r.time()).isEqualTo(OffsetDateTime.parse("2024-07-02T19:22:51Z").toEpochSecond() * 1_000_000_000L
                + 974_497_577L);
        Map<String, Object> expected = new java.util.LinkedHashMap<>();
        expected.put("user", "bob");
        expected.put("n", 3L);
        expected.put("ok", true);
        expected.put("f", 1.5);
        expected.put("nil", null);
        expected.put("obj", "{\"a\":[1,\"x\",{\"b\":null}]}");
        expected.put("peer", "127.0.0.1");
        assertThat(r.fields()).containsExactlyEntriesOf(expected);
    }

    @Test
    void talosKeysAndAlternatives() {
        LogRecord r = parse("{\"msg\":\"x\",\"talos-level\":\"error\",\"talos-service\":\"kubelet\","
                + "\"talos-time\":\"2024-07-02T19:22:51Z\"}").record();
        assertThat(r.service()).isEqualTo("kubelet");
        assertThat(r.level()).isEqualTo(Level.ERR);
        assertThat(r.fields()).containsOnlyKeys("peer");
        LogRecord m = parse("{\"message\":\"y\",\"@timestamp\":1700000000123}").record();
        assertThat(m.msg()).isEqualTo("y");
        assertThat(m.time()).isEqualTo(1_700_000_000_123_000_000L);
        assertThat(m.service()).isEqualTo("default-svc");
        assertThat(m.level()).isEqualTo(Level.INFO);
        LogRecord s = parse("{\"msg\":\"z\",\"ts\":1700000000.5,\"level\":\"loud\"}").record();
        assertThat(s.time()).isEqualTo(1_700_000_000_500_000_000L);
        // an unknown level is kept as a field
        assertThat(s.fields()).containsEntry("level", "loud");
        LogRecord both = parse("{\"msg\":\"first\",\"message\":\"second\"}").record();
        assertThat(both.msg()).isEqualTo("first");
        assertThat(both.fields()).containsEntry("message", "second");
    }

    @Test
    void brokenJsonIsKeptRawWithAReason() {
        for (String bad : new String[] {"not json", "{\"msg\":", "{\"a\":1} trailing", "[1,2]", "\"str\"", "{\"a\":1}}",
            "{'single':1}", "{\"deep\":" + "[".repeat(100) + "]".repeat(100) + "}"}) {
            JsonLineParser.Parsed p = parse(bad);
            assertThat(p.ok()).as(bad).isFalse();
            assertThat(p.record().msg()).isEqualTo(bad);
            assertThat(p.record().time()).isEqualTo(NOW);
            assertThat(p.record().fields()).containsKey(FieldNames.PARSE_ERROR).containsEntry("peer", "127.0.0.1");
        }
    }

    /** Found by fuzzing: a time too large for epoch nanoseconds wrapped around into a wrong time. */
    @Test
    void timeTooLargeForEpochNanosStaysAFieldInsteadOfWrapping() {
        LogRecord secs = parse("{\"ts\":17199471123,\"msg\":\"x\"}").record();
        assertThat(secs.time()).isEqualTo(NOW);
        assertThat(secs.fields()).containsEntry("ts", 17199471123L);

        LogRecord dbl = parse("{\"time\":99999999999.5,\"msg\":\"x\"}").record();
        assertThat(dbl.time()).isEqualTo(NOW);
        assertThat(dbl.fields()).containsEntry("time", 99999999999.5);

        LogRecord text = parse("{\"time\":\"2654-07-02T19:22:51Z\",\"msg\":\"x\"}").record();
        assertThat(text.time()).isEqualTo(NOW);
        assertThat(text.fields()).containsEntry("time", "2654-07-02T19:22:51Z");

        assertThat(parse("{\"ts\":9000000000,\"msg\":\"x\"}").record().time()).isEqualTo(9_000_000_000L * 1_000_000_000L);
        assertThat(parse("{\"ts\":17199481971123,\"msg\":\"x\"}").record().time()).as("ms").isEqualTo(NOW);
        assertThat(parse("{\"ts\":17199481971123000,\"msg\":\"x\"}").record().time()).as("µs").isEqualTo(NOW);
    }

    /** Found by fuzzing: Jackson's message quoted half of a surrogate pair, which no JSON encoder can write. */
    @Test
    void parseErrorIsValidTextWhenTheBadCharacterIsSupplementary() {
        String line = new String(new byte[] {(byte) 0xf1, (byte) 0x89, (byte) 0x89, (byte) 0x89, 'e', ' ', 't'},
                java.nio.charset.StandardCharsets.UTF_8);
        JsonLineParser.Parsed p = parse(line);
        assertThat(p.ok()).isFalse();
        String why = (String) p.record().fields().get(FieldNames.PARSE_ERROR);
        assertThat(why).startsWith("invalid JSON: ").contains("\uFFFD");
        assertThat(why.chars().noneMatch(c -> Character.isSurrogate((char) c))).isTrue();
        assertThat(p.record().msg()).isEqualTo(line);
    }
}
