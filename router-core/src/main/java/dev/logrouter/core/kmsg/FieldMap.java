package dev.logrouter.core.kmsg;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Small immutable insertion-ordered map over one array, built by {@link Builder}. Kernel records
 * carry 4 to ~8 fields; a flat array is smaller and faster to build than a {@code LinkedHashMap}.
 */
final class FieldMap extends AbstractMap<String, Object> {

    private final Object[] kv;
    private final int size;

    private FieldMap(Object[] kv, int size) {
        this.kv = kv;
        this.size = size;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public Object get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : kv[i + 1];
    }

    private int indexOf(Object key) {
        for (int i = 0; i < size * 2; i += 2) {
            if (kv[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int i;

                    @Override
                    public boolean hasNext() {
                        return i < size;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (i >= size) {
                            throw new NoSuchElementException();
                        }
                        Entry<String, Object> e = new SimpleImmutableEntry<>((String) kv[2 * i], kv[2 * i + 1]);
                        i++;
                        return e;
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** Collects fields in order; a repeated key replaces the earlier value in its place. Single use. */
    static final class Builder {
        private Object[] kv = new Object[8];
        private int size;

        Builder put(String key, Object value) {
            for (int i = 0; i < size * 2; i += 2) {
                if (kv[i].equals(key)) {
                    kv[i + 1] = value;
                    return this;
                }
            }
            if (size * 2 == kv.length) {
                kv = Arrays.copyOf(kv, kv.length * 2);
            }
            kv[size * 2] = key;
            kv[size * 2 + 1] = value;
            size++;
            return this;
        }

        Map<String, Object> build() {
            return new FieldMap(kv, size);
        }
    }
}
