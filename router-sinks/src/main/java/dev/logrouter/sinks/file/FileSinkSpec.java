package dev.logrouter.sinks.file;

import dev.logrouter.sinks.encode.EncoderSpec;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one file sink. Every setting is given: the defaults are the config's
 * (docs/configuration.md).
 *
 * @param name          sink name
 * @param path          path template; {@code {service}}, {@code {source}} and {@code {stream}} are
 *                      replaced by the record's sanitised values (only in file names, see
 *                      {@link PathTemplate})
 * @param encoder       format
 * @param rotateBytes   a file that would grow past this is rotated first ({@code .1}, {@code .2}...);
 *                      0 = never rotate
 * @param keep          rotated files kept; older ones are deleted
 * @param flushInterval written data reaches the file at least this often
 * @param maxOpenFiles  most files held open at once; the least recently used is closed
 */
public record FileSinkSpec(String name, String path, EncoderSpec encoder, long rotateBytes, int keep,
                           Duration flushInterval, int maxOpenFiles) {

    public FileSinkSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(encoder, "encoder");
        if (maxOpenFiles < 1) {
            throw new IllegalArgumentException("max_open_files must be at least 1, was " + maxOpenFiles);
        }
        if (rotateBytes < 0) {
            throw new IllegalArgumentException("rotate max_bytes must not be negative");
        }
        if (keep < 0) {
            throw new IllegalArgumentException("rotate keep must not be negative");
        }
        if (Objects.requireNonNull(flushInterval, "flushInterval").compareTo(Duration.ZERO) <= 0) {
            throw new IllegalArgumentException("flush_interval must be positive");
        }
        checkPath(path);
    }

    /** Refuses a path template the sink cannot use, with the reason. */
    public static void checkPath(String path) {
        PathTemplate.parse(path);
    }
}
