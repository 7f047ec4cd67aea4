package dev.logrouter.sinks.encode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class GoKeyedFieldsTest {

    @Test
    void sortsLikeATreeMapInGoKeyOrderAndALaterPutWins() {
        GoKeyedFields f = new GoKeyedFields();
        Map<String, Object> expected = new TreeMap<>(GoJson.KEY_ORDER);
        // more keys than the initial capacity, a key above the BMP (sorts after U+FFFF in UTF-8 order), repeats
        String[] keys = {"talos-time", "msg", "b", "\uD83D\uDE00", "\uFFFD", "a", "Z", "msg", "k1", "k2", "k3", "k4",
            "k5", "k6", "k7", "k8", "k9", "k10", "a"};
        for (int i = 0; i < keys.length; i++) {
            f.put(keys[i], i);
            expected.put(keys[i], i);
        }
        f.putAll(Map.of("b", "over"));
        expected.put("b", "over");
        f.sort();
        Map<String, Object> got = new LinkedHashMap<>();
        for (int i = 0; i < f.size(); i++) {
            got.put(f.key(i), f.value(i));
        }
        assertThat(new ArrayList<>(got.keySet())).isEqualTo(new ArrayList<>(expected.keySet()));
        assertThat(got).isEqualTo(expected);
        f.clear();
        assertThat(f.size()).isZero();
        List<String> after = new ArrayList<>();
        f.put("y", 1);
        f.put("x", 2);
        f.sort();
        after.add(f.key(0));
        after.add(f.key(1));
        assertThat(after).containsExactly("x", "y");
    }
}
