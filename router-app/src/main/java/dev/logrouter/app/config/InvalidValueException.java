package dev.logrouter.app.config;

/**
 * Thrown by a config record's constructor when one key's value is wrong, so the error is reported at
 * that value ({@code FILE:LINE:COL} of the value, path {@code ...key}) rather than at the block.
 */
final class InvalidValueException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String key;

    InvalidValueException(String key, String message) {
        super(message);
        this.key = key;
    }

    String key() {
        return key;
    }
}
