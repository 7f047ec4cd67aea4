package dev.logrouter.app.config;

import dev.logrouter.sinks.encode.EncoderSpec;

import dev.logrouter.core.sink.LogSink;

/**
 * One {@code type:} of sink in the YAML config; see {@link SourceType} for the binding rules. The
 * {@code buffer} and {@code transforms} keys of every sink are bound by {@link ConfigLoader} (into a
 * {@code BufferSpec} and a transform chain), not by the sink's record. Registered by one line in
 * {@code META-INF/services/dev.logrouter.app.config.SinkType}.
 *
 * @param <C> the config record
 */
public interface SinkType<C extends Record> {

    /** The {@code type:} value, e.g. {@code tcp}. */
    String type();

    /** The config record: by default the type argument {@code C} of the implementing class. */
    @SuppressWarnings("unchecked")
    default Class<C> configClass() {
        return (Class<C>) ComponentTypes.configClassOf(getClass(), SinkType.class);
    }

    /**
     * How the sink encodes records, when it has an encoder the router should know about; else null. By
     * default: its record's {@link EncodingConfig} component, if it has one.
     */
    default EncoderSpec encoding(C config) {
        for (java.lang.reflect.RecordComponent c : config.getClass().getRecordComponents()) {
            if (c.getType() == EncodingConfig.class) {
                try {
                    java.lang.reflect.Method accessor = c.getAccessor();
                    accessor.setAccessible(true);
                    return ((EncodingConfig) accessor.invoke(config)).spec();
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("the encoding of " + config.getClass().getName()
                            + " cannot be read", e);
                }
            }
        }
        return null;
    }

    /** Builds the sink; called once per config load, after validation. */
    LogSink create(String name, C config, RouterEnv env);
}
