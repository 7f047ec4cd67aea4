package dev.logrouter.sinks.encode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.transform.JsonLineExtractor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Talos encoder's shortcuts for service records (a line without {@code {} skips the extractor,
 * a plain record is written with ready key bytes, record fields are read with {@code forEach}) give
 * byte for byte what its general path gives: the general path is forced by asking for an extra field
 * the record does not have, which adds no key.
 */
class TalosServiceShortcutsTest {

    private static final List<String> LINES = List.of(
            "plain text line",
            "  padded with spaces\t",
            "\u3000\u2003ideographic and em spaces\u00a0\u0085",
            "",
            "control \u0001 \b \f \n \r \t chars",
            "<html> & \"quotes\" \\ backslash",
            "latin-1 é ü ß, cjk 日本語, emoji 😀",
            "replaced \ufffd byte, separators \u2028 \u2029",
            "lone surrogate \ud800 here",
            "{\"msg\":\"from json\",\"level\":\"error\",\"ts\":1719948171.5,\"k\":1}",
            "prefix {\"msg\":\"tail\",\"err\":\"boom\"}",
            "{not json",
            "} closing only");

    private static final long[] TIMES = {1_719_948_171_974_497_577L, 1_719_948_171_000_000_000L,
            1_719_948_171_100_000_000L, 0L};

    private static String encode(JsonLinesEncoder e, LogRecord r) {
        EncodedBuffer b = new EncodedBuffer(16);
        e.encode(r, b);
        return b.toString();
    }

    private static LogRecord record(String msg, Level level, long time, Map<String, Object> fields) {
        return new LogRecord(9, time, "src", "web-1", "stdout", level, msg, fields, LogRecord.Kind.NORMAL);
    }

    @Test
    void plainServiceRecordIsWhatTheGeneralPathWrites() {
        JsonLinesEncoder shortcut = new JsonLinesEncoder();
        JsonLinesEncoder general = new JsonLinesEncoder(FieldSet.TALOS, Map.of(), null, false, List.of("absent"));
        int compared = 0;
        for (String line : LINES) {
            for (Level level : Level.values()) {
                for (long t : TIMES) {
                    LogRecord r = record(line, level, t, Map.of());
                    assertThat(encode(shortcut, r)).as("%s at %s", line, level).isEqualTo(encode(general, r));
                    compared++;
                }
            }
        }
        assertThat(compared).isEqualTo(LINES.size() * Level.values().length * TIMES.length);
    }

    @Test
    void lineWithoutBraceIsWhatTheExtractorGives() {
        for (String line : LINES) {
            if (line.indexOf('{') >= 0) {
                continue;
            }
            JsonLineExtractor.Result x = JsonLineExtractor.extract(line);
            assertThat(x.json()).isFalse();
            assertThat(x.msg()).isEqualTo(JsonLineExtractor.trimSpace(line));
            assertThat(x.level()).isNull();
            assertThat(x.time()).isEqualTo(JsonLineExtractor.NO_TIME);
            assertThat(x.fields()).isEmpty();
        }
    }

    @Test
    void recordFieldsAreWrittenAlikeFromEveryKindOfMap() {
        Map<String, Object> linked = new LinkedHashMap<>();
        linked.put("peer", "127.0.0.1");
        linked.put(FieldNames.MEMLOGD_NAME, "web-1.log");
        linked.put("attempt", 3L);
        List<Map<String, Object>> maps = new ArrayList<>();
        maps.add(Collections.unmodifiableMap(linked));
        maps.add(new HashMap<>(linked));
        maps.add(Map.of("peer", "127.0.0.1", FieldNames.MEMLOGD_NAME, "web-1.log", "attempt", 3L));
        JsonLinesEncoder e = new JsonLinesEncoder();
        List<String> out = new ArrayList<>();
        for (Map<String, Object> m : maps) {
            out.add(encode(e, record("GET / 200", Level.INFO, TIMES[0], m)));
        }
        // memlogd_name is left out as Talos leaves it out; the keys come sorted whatever the map's order
        assertThat(out.get(0)).isEqualTo("{\"attempt\":3,\"msg\":\"GET / 200\",\"peer\":\"127.0.0.1\","
                + "\"talos-level\":\"info\",\"talos-service\":\"web-1\",\"talos-time\":\"2024-07-02T19:22:51.974497577Z\"}");
        assertThat(out).containsOnly(out.get(0));
    }

    @Test
    void recordWithFieldsIsWhatTheGeneralPathWrites() {
        // keys before, between, equal to and after Talos's four, a hidden one, values of each kind
        List<Map<String, Object>> fieldSets = List.of(
                Map.of("peer", "127.0.0.1"),
                Map.of("a", 1L, "zz", "last"),
                Map.of("msg", "shadowed", "talos-level", "shadowed", "talos-service", 7L, "talos-time", true),
                Map.of("m", "<&>", "talos-", 2.5, "talos-levelx", List.of(1L, "x"), "talos-t", Map.of("k", "v")),
                Map.of(FieldNames.MEMLOGD_NAME, "web-1.log", "peer", "::1", "é", "non-ascii key"),
                Map.of("", "empty key", "MSG", "upper", "talos-time0", "after time"));
        JsonLinesEncoder shortcut = new JsonLinesEncoder();
        JsonLinesEncoder general = new JsonLinesEncoder(FieldSet.TALOS, Map.of(), null, false, List.of("absent"));
        int compared = 0;
        for (Map<String, Object> fields : fieldSets) {
            for (String line : LINES) {
                LogRecord r = record(line, Level.WARNING, TIMES[compared % TIMES.length], fields);
                assertThat(encode(shortcut, r)).as("%s with %s", line, fields).isEqualTo(encode(general, r));
                // the message as the framer hands it over, through the same encoder (whose sorted
                // fields are kept from record to record while the fields map is the same); a lone
                // surrogate has no UTF-8 form, the framer never hands one over
                byte[] utf8 = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                if (new String(utf8, java.nio.charset.StandardCharsets.UTF_8).equals(line)) {
                    LogRecord bytes = LogRecord.ofUtf8(r.time(), r.source(), r.service(), r.stream(), r.level(), utf8,
                            fields, r.kind());
                    assertThat(encode(shortcut, bytes)).as("%s with %s as bytes", line, fields)
                            .isEqualTo(encode(general, r));
                }
                compared++;
            }
        }
        assertThat(compared).isEqualTo(fieldSets.size() * LINES.size());
        assertThat(encode(shortcut, record("x", Level.INFO, TIMES[1], fieldSets.get(2))))
                .isEqualTo("{\"msg\":\"x\",\"talos-level\":\"info\",\"talos-service\":\"web-1\","
                        + "\"talos-time\":\"2024-07-02T19:22:51Z\"}");
    }
}
