package dev.logrouter.app.config;

import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.LogSink;

/**
 * A validated sink entry.
 *
 * @param name   its key under {@code sinks:}
 * @param type   its type
 * @param config its bound config record
 * @param buffer its buffer bounds
 */
public record SinkDef(String name, SinkType<?> type, Record config, BufferSpec buffer) {

    @SuppressWarnings("unchecked")
    public LogSink create(RouterEnv env) {
        return ((SinkType<Record>) type).create(name, config, env);
    }
}
