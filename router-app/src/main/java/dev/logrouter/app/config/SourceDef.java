package dev.logrouter.app.config;

import dev.logrouter.core.source.LogSource;

/**
 * A validated source entry.
 *
 * @param name   its key under {@code sources:}
 * @param type   its type
 * @param config its bound config record
 */
public record SourceDef(String name, SourceType<?> type, Record config) {

    @SuppressWarnings("unchecked")
    public LogSource create(RouterEnv env) {
        return ((SourceType<Record>) type).create(name, config, env);
    }
}
