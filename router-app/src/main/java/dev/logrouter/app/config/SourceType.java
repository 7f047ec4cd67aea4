package dev.logrouter.app.config;

import dev.logrouter.core.source.LogSource;

/**
 * One {@code type:} of source in the YAML config: the record its block binds into and how to build
 * the source from it. An implementation is one public class with a public no-argument constructor
 * and its config record, registered by one line in
 * {@code META-INF/services/dev.logrouter.app.config.SourceType} ({@link ComponentTypes}); its
 * record's components carry their {@link Doc} and {@link Default}, from which the binder takes the
 * defaults and {@link ConfigReference} writes the reference table in docs/configuration.md.
 *
 * <p>Binding rules ({@link ConfigBinder}): each YAML key {@code snake_case} binds to the record
 * component {@code snakeCase}; the {@code type} key is consumed by the registry. Unknown keys, wrong
 * types and missing {@link Required} values are reported with line and column. A compact constructor
 * that throws {@link IllegalArgumentException} reports its message at the block's position. Keys
 * shared with other types ({@link EncodingConfig}, {@link TlsConfig}, {@link BackoffConfig}) are
 * components of the shared record's type, annotated with {@link Block}.
 *
 * @param <C> the config record
 */
public interface SourceType<C extends Record> {

    /** The {@code type:} value, e.g. {@code exec}. */
    String type();

    /** The config record: by default the type argument {@code C} of the implementing class. */
    @SuppressWarnings("unchecked")
    default Class<C> configClass() {
        return (Class<C>) ComponentTypes.configClassOf(getClass(), SourceType.class);
    }

    /** Builds the source; called once per config load, after validation. */
    LogSource create(String name, C config, RouterEnv env);
}
