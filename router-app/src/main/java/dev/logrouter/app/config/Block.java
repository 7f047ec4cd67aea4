package dev.logrouter.app.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A shared block ({@link EncodingConfig}, {@link TlsConfig}, {@link BackoffConfig}) used by a
 * component type: which of its keys this type takes, with which defaults, and whether its keys sit
 * in the type's own map ({@code inline}) or under the component's key.
 *
 * <p>A shared record binds and validates its keys in one place for every type that has them; the
 * type narrows it without repeating its keys.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
@interface Block {

    /** The keys of the block are keys of the enclosing map (no nesting in the YAML). */
    boolean inline() default false;

    /** The block's keys this type takes (YAML spelling); empty: all of them. Others are unknown keys. */
    String[] keys() default {};

    /** {@code key=value} defaults for this type, replacing the block's own {@link Default}s. */
    String[] defaults() default {};
}
