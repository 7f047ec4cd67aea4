package dev.logrouter.core.transform;

import dev.logrouter.core.record.LogRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** {@code parse: json}: {@link JsonLineExtractor} applied to a record; blank lines dropped. */
final class ParseJsonStep implements Step {

    private static final String KERNEL = "kernel";

    private final LongAdder blank;

    ParseJsonStep(LongAdder blank) {
        this.blank = blank;
    }

    /** Only the blank-line rule: drops (and counts) blank service lines, passes the rest as they are. */
    static Step skipBlank(LongAdder blank) {
        return r -> {
            if (KERNEL.equals(r.stream()) || r.isGap() || !JsonLineExtractor.isBlank(r)) {
                return r;
            }
            blank.increment();
            return null;
        };
    }

    @Override
    public LogRecord apply(LogRecord r) {
        if (KERNEL.equals(r.stream()) || r.isGap()) {
            return r;
        }
        // the common plain line: nothing to trim, no brace, so nothing to do and nothing allocated
        if (JsonLineExtractor.isPlain(r)) {
            return r;
        }
        String msg = r.msg();
        if (JsonLineExtractor.isBlank(msg)) {
            blank.increment();
            return null;
        }
        JsonLineExtractor.Result x = JsonLineExtractor.extract(msg);
        Map<String, Object> fields = r.fields();
        if (!x.fields().isEmpty()) {
            Map<String, Object> m = new LinkedHashMap<>(r.fields());
            m.putAll(x.fields());
            fields = java.util.Collections.unmodifiableMap(m);
        }
        return new LogRecord(r.cursor(), x.time() == JsonLineExtractor.NO_TIME ? r.time() : x.time(), r.source(),
                r.service(), r.stream(), x.level() == null ? r.level() : x.level(), x.msg(), fields, r.kind());
    }
}
