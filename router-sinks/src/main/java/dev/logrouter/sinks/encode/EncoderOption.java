package dev.logrouter.sinks.encode;

/**
 * An encoder setting that only some formats take; a {@link Format} lists the ones it takes, and the
 * config refuses the others for it.
 */
public enum EncoderOption {
    /** {@code fields}: the key set ({@link FieldSet}). */
    FIELDS,
    /** {@code extra_fields}: keys beyond the key set's own. */
    EXTRA_FIELDS,
    /** {@code framing: octet_counted} (RFC 6587 {@code LEN SP MSG}). */
    OCTET_COUNTED
}
