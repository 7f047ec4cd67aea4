package dev.logrouter.app.config;

import dev.logrouter.sinks.encode.EncoderSpec;

import dev.logrouter.core.sink.LogSink;

/**
 * One {@code type:} of sink in the YAML config; see {@link SourceType} for the binding rules. The
 * {@code buffer} key of every sink is bound by the registry (into a {@code BufferSpec}), not by the
 * sink's record.
 *
 * @param <C> the config record
 */
public interface SinkType<C extends Record> {

    /** The {@code type:} value, e.g. {@code tcp}. */
    String type();

    Class<C> configClass();

    /** How the sink encodes records, when it has an encoder the router should know about; else null. */
    default EncoderSpec encoding(C config) {
        return null;
    }

    /** Builds the sink; called once per config load, after validation. */
    LogSink create(String name, C config, RouterEnv env);
}
