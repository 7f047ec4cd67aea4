package dev.logrouter.app.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a config key, or a component type, means; {@link ConfigReference} writes it into the
 * reference tables of docs/configuration.md. On a type class: the one-line summary of the type.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.TYPE})
@interface Doc {

    /** The meaning (Markdown). */
    String value();

    /**
     * What happens when the key is left out, for a key whose default is not a value the YAML could
     * write (the source name, the JDK trust store, depends on the buffer type); keys with a
     * {@link Default} leave this empty.
     */
    String absent() default "";

    /** On a type class: the document that explains the type further, relative to docs/. */
    String see() default "";
}
