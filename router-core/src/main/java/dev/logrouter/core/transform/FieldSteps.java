package dev.logrouter.core.transform;

import dev.logrouter.core.record.LogRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code add_fields}, {@code rename_fields}, {@code drop_fields}, {@code hostname}. */
final class FieldSteps {

    private FieldSteps() {
    }

    /** Sets fields; a record that already holds every value is passed on as it is. */
    static Step add(Map<String, ?> fields) {
        @SuppressWarnings("unchecked")
        Map.Entry<String, Object>[] entries = fields.entrySet().toArray(new Map.Entry[0]);
        return r -> {
            Map<String, Object> f = r.fields();
            boolean same = true;
            for (Map.Entry<String, Object> e : entries) {
                if (!e.getValue().equals(f.get(e.getKey()))) {
                    same = false;
                    break;
                }
            }
            if (same) {
                return r;
            }
            Map<String, Object> m = new LinkedHashMap<>(f);
            for (Map.Entry<String, Object> e : entries) {
                m.put(e.getKey(), e.getValue());
            }
            return r.withFields(m);
        };
    }

    /** Renames fields; a record without any of them is passed on as it is. */
    static Step rename(Map<String, String> renames) {
        String[] from = renames.keySet().toArray(new String[0]);
        String[] to = new String[from.length];
        for (int i = 0; i < from.length; i++) {
            to[i] = renames.get(from[i]);
        }
        return r -> {
            Map<String, Object> f = r.fields();
            if (!containsAny(f, from)) {
                return r;
            }
            Map<String, Object> m = new LinkedHashMap<>(f);
            for (int i = 0; i < from.length; i++) {
                if (f.containsKey(from[i])) {
                    m.remove(from[i]);
                }
            }
            for (int i = 0; i < from.length; i++) {
                if (f.containsKey(from[i])) {
                    m.put(to[i], f.get(from[i]));
                }
            }
            return r.withFields(m);
        };
    }

    /** Removes fields; a record without any of them is passed on as it is. */
    static Step drop(List<String> fields) {
        String[] names = fields.toArray(new String[0]);
        return r -> {
            Map<String, Object> f = r.fields();
            if (!containsAny(f, names)) {
                return r;
            }
            Map<String, Object> m = new LinkedHashMap<>(f);
            for (String n : names) {
                m.remove(n);
            }
            return r.withFields(m);
        };
    }

    private static boolean containsAny(Map<String, Object> f, String[] keys) {
        if (f.isEmpty()) {
            return false;
        }
        for (String k : keys) {
            if (f.containsKey(k)) {
                return true;
            }
        }
        return false;
    }
}
