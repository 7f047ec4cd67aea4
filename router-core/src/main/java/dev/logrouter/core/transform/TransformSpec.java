package dev.logrouter.core.transform;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One step of a route's or a sink's {@code transforms:} list, validated; {@link TransformChain}
 * compiles a list of them once per config.
 */
public sealed interface TransformSpec {

    /**
     * {@code parse: json}: Talos's JSON-line extraction ({@link JsonLineExtractor}) on every record
     * but kernel ones: message trimmed, JSON keys lifted into fields, time and level taken from the
     * line; a blank line is dropped (counted).
     */
    record ParseJson() implements TransformSpec {
    }

    /**
     * Drops service lines that are blank after Go's white space trimming (counted). Not a YAML
     * step: a {@code json_lines} sink with {@code fields: talos} gets it, as Talos skips them.
     */
    record SkipBlank() implements TransformSpec {
    }

    /** {@code add_fields}: sets each field, replacing a field of the same name. */
    record AddFields(Map<String, String> fields) implements TransformSpec {
        public AddFields {
            fields = Map.copyOf(fields);
        }
    }

    /** {@code rename_fields}: moves the value of each {@code from} field to {@code to}. */
    record RenameFields(Map<String, String> renames) implements TransformSpec {
        public RenameFields {
            renames = Map.copyOf(renames);
        }
    }

    /** {@code drop_fields}: removes the named fields. */
    record DropFields(List<String> fields) implements TransformSpec {
        public DropFields {
            fields = List.copyOf(fields);
        }
    }

    /** {@code hostname: true}: adds field {@code hostname}, this machine's host name (read once). */
    record Hostname() implements TransformSpec {
    }

    /**
     * {@code rate_limit}: at most {@code max} records per {@code interval} per key ({@code per}:
     * {@code service}, {@code source} or {@code stream}); the excess is dropped and counted, and
     * each interval that dropped any ends with one summary record per key.
     */
    record RateLimit(Per per, long max, Duration interval) implements TransformSpec {
        public RateLimit {
            Objects.requireNonNull(per, "per");
            Objects.requireNonNull(interval, "interval");
            if (max < 1) {
                throw new IllegalArgumentException("rate_limit max must be at least 1");
            }
            if (interval.toMillis() < 1) {
                throw new IllegalArgumentException("rate_limit interval must be at least 1ms");
            }
        }
    }

    /** What a rate limit counts by. */
    enum Per { SERVICE, SOURCE, STREAM }
}
