package dev.logrouter.app.config;

/**
 * One error in a config file.
 *
 * @param position where it is (1-based line and column)
 * @param path     the config path, e.g. {@code sinks.filebeat.buffer.max_events}
 * @param message  what is wrong
 */
public record ConfigProblem(ConfigNode.Position position, String path, String message) {

    /** {@code FILE:LINE:COL: path: message}, the form {@code logrouter check} prints. */
    public String format(String file) {
        return file + ":" + position.line() + ":" + position.column() + ": "
                + (path == null || path.isEmpty() ? "" : path + ": ") + message;
    }
}
