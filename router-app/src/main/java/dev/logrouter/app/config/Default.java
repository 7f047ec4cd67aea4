package dev.logrouter.app.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value a config key takes when the YAML leaves it out, written as the YAML would write it
 * ({@code 1024}, {@code 20ms}, {@code 64KiB}, {@code json_lines}). The one place a default is declared:
 * {@link ConfigBinder} binds it like a given value (so the record never sees the key missing) and
 * {@link ConfigReference} prints it in the reference tables.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
@interface Default {

    String value();
}
