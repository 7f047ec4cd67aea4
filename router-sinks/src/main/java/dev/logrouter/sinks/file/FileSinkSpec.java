package dev.logrouter.sinks.file;

import dev.logrouter.sinks.encode.EncoderSpec;
import dev.logrouter.sinks.encode.Format;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one file sink.
 *
 * @param name          sink name
 * @param path          path template; {@code {service}}, {@code {source}} and {@code {stream}} are
 *                      replaced by the record's sanitised values (only in file names, see
 *                      {@link PathTemplate})
 * @param encoder       format (default text)
 * @param rotateBytes   a file that would grow past this is rotated first ({@code .1}, {@code .2}...);
 *                      0 = never rotate
 * @param keep          rotated files kept (default 5); older ones are deleted
 * @param flushInterval written data reaches the file at least this often (default 1s)
 * @param maxOpenFiles  most files held open at once; the least recently used is closed (default 64)
 */
public record FileSinkSpec(String name, String path, EncoderSpec encoder, long rotateBytes, int keep,
                           Duration flushInterval, int maxOpenFiles) {

    public FileSinkSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        encoder = encoder == null ? EncoderSpec.of(Format.TEXT) : encoder;
        flushInterval = flushInterval == null ? Duration.ofSeconds(1) : flushInterval;
        maxOpenFiles = maxOpenFiles <= 0 ? 64 : maxOpenFiles;
        if (rotateBytes < 0) {
            throw new IllegalArgumentException("rotate max_bytes must not be negative");
        }
        if (keep < 0) {
            throw new IllegalArgumentException("rotate keep must not be negative");
        }
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("flush_interval must be positive");
        }
        PathTemplate.parse(path);
    }
}
