package dev.logrouter.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one JSON-object reader of the JSON-lines input (FLAT) and of Talos's extraction (GO). */
class JsonObjectReaderTest {

    private static final String LINE = "{\"a\":1,\"big\":123456789012345678901234567890,\"f\":1.50,"
            + "\"obj\":{\"x\":[1, \"y\", null],\"x\":2},\"a\":\"again\",\"s\":\"lone \\ud800\"}";

    @Test
    void flatKeepsEveryEntryInOrderAndNestedValuesAsJsonText() {
        List<Object[]> got = new ArrayList<>();
        assertThat(new JsonObjectReader(64, JsonObjectReader.Values.FLAT).read(LINE, (k, v) -> got.add(new Object[] {k, v})))
                .isNull();
        assertThat(got).extracting(e -> e[0]).containsExactly("a", "big", "f", "obj", "a", "s");
        assertThat(got).extracting(e -> e[1]).containsExactly(1L, "123456789012345678901234567890", 1.5,
                "{\"x\":[1,\"y\",null],\"x\":2}", "again", "lone \uFFFD");
    }

    @Test
    void goGivesMapsListsExactIntegersAndTheLastOfARepeatedKey() {
        Map<String, Object> m = new JsonObjectReader(1000, JsonObjectReader.Values.GO).readMap(LINE);
        assertThat(m).containsOnlyKeys("a", "big", "f", "obj", "s");
        assertThat(m.keySet()).containsExactly("a", "big", "f", "obj", "s");
        assertThat(m.get("a")).isEqualTo("again");
        assertThat(m.get("big")).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(m.get("obj")).isEqualTo(Map.of("x", 2L));
        assertThat(m.get("s")).isEqualTo("lone \uFFFD");
        assertThat(new JsonObjectReader(1000, JsonObjectReader.Values.GO).readMap("{\"n\":1e400}"))
                .as("beyond float64, as in Go").isNull();
    }

    @Test
    void saysWhyATextIsNotOneObject() {
        JsonObjectReader r = new JsonObjectReader(64, JsonObjectReader.Values.FLAT);
        assertThat(r.read("[1]", (k, v) -> { })).isEqualTo("not a JSON object");
        assertThat(r.read("{\"a\":1} {}", (k, v) -> { })).isEqualTo("text after the JSON object");
        assertThat(r.read("{\"a\":", (k, v) -> { })).startsWith("invalid JSON: ");
        assertThat(r.read("{\"d\":" + "[".repeat(100) + "]".repeat(100) + "}", (k, v) -> { })).startsWith("invalid JSON: ");
    }
}
