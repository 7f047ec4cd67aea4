package dev.logrouter.sinks.encode;

import java.util.Arrays;
import java.util.Map;

/**
 * The top-level keys and values of one Talos record, written in Go's map order (keys sorted by their
 * UTF-8 bytes). A put replaces the value of a key already there, as Go's map assignment does. Reused
 * for every record of an encoder, so a record with a few fields allocates nothing here, where a
 * {@code TreeMap} per record allocated a node per key. Not thread-safe.
 */
final class GoKeyedFields {

    private String[] keys = new String[16];
    private Object[] values = new Object[16];
    private int size;
    /** {@link #put} as a map visitor, made once: {@link Map#forEach} walks any map without entry objects. */
    private final java.util.function.BiConsumer<String, Object> putter = this::put;

    void clear() {
        Arrays.fill(values, 0, size, null);
        size = 0;
    }

    void put(String key, Object value) {
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(key)) {
                values[i] = value;
                return;
            }
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        keys[size] = key;
        values[size] = value;
        size++;
    }

    void putAll(Map<String, ?> m) {
        if (!m.isEmpty()) {
            m.forEach(putter);
        }
    }

    /** Sorts the entries by key in Go's order; insertion sort, as records have few keys. */
    void sort() {
        for (int i = 1; i < size; i++) {
            String k = keys[i];
            Object v = values[i];
            int j = i - 1;
            while (j >= 0 && GoJson.compareCodePoints(keys[j], k) > 0) {
                keys[j + 1] = keys[j];
                values[j + 1] = values[j];
                j--;
            }
            keys[j + 1] = k;
            values[j + 1] = v;
        }
    }

    int size() {
        return size;
    }

    String key(int i) {
        return keys[i];
    }

    Object value(int i) {
        return values[i];
    }
}
