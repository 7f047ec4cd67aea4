package dev.logrouter.app.config;

import dev.logrouter.core.transform.TransformSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One item of a route's or a sink's {@code transforms:} list; each item has exactly one key:
 *
 * <pre>
 * transforms:
 *   - parse: json
 *   - add_fields: { cluster: prod }
 *   - rename_fields: { user: user.name }
 *   - drop_fields: [ pid ]
 *   - hostname: true
 *   - rate_limit: { per: service, max: 100, interval: 1s }
 * </pre>
 *
 * @param parse        {@code json} (the only parser)
 * @param addFields    fields to set
 * @param renameFields field renames, from: to
 * @param dropFields   fields to remove
 * @param hostname     {@code true} adds field {@code hostname}
 * @param rateLimit    a rate limit
 */
record TransformConfig(String parse, Map<String, String> addFields, Map<String, String> renameFields,
                       List<String> dropFields, Boolean hostname, RateLimit rateLimit) {

    /**
     * @param per      {@code service}, {@code source} or {@code stream}
     * @param max      records per interval (required)
     * @param interval window length
     */
    record RateLimit(@Default("service") TransformSpec.Per per, @Required Long max, @Default("1s") Duration interval) {
        RateLimit {
            if (max != null && per != null && interval != null) {
                new TransformSpec.RateLimit(per, max, interval);
            }
        }
    }

    TransformConfig {
        int given = (parse != null ? 1 : 0) + (addFields != null ? 1 : 0) + (renameFields != null ? 1 : 0)
                + (dropFields != null ? 1 : 0) + (hostname != null ? 1 : 0) + (rateLimit != null ? 1 : 0);
        if (given != 1) {
            throw new IllegalArgumentException("a transform has exactly one of parse, add_fields, rename_fields, "
                    + "drop_fields, hostname, rate_limit" + (given == 0 ? "" : " (found " + given + ")"));
        }
        if (parse != null && !"json".equals(parse)) {
            throw new IllegalArgumentException("unknown parser '" + parse + "' (use json)");
        }
        if (hostname != null && !hostname) {
            throw new IllegalArgumentException("hostname: false does nothing; leave the transform out");
        }
    }

    TransformSpec toSpec() {
        if (parse != null) {
            return new TransformSpec.ParseJson();
        }
        if (addFields != null) {
            return new TransformSpec.AddFields(addFields);
        }
        if (renameFields != null) {
            return new TransformSpec.RenameFields(renameFields);
        }
        if (dropFields != null) {
            return new TransformSpec.DropFields(dropFields);
        }
        if (hostname != null) {
            return new TransformSpec.Hostname();
        }
        return new TransformSpec.RateLimit(rateLimit.per(), rateLimit.max(), rateLimit.interval());
    }

    static List<TransformSpec> specs(List<TransformConfig> configs) {
        List<TransformSpec> out = new ArrayList<>();
        if (configs != null) {
            for (TransformConfig c : configs) {
                out.add(c.toSpec());
            }
        }
        return List.copyOf(out);
    }
}
