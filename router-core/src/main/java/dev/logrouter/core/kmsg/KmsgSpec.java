package dev.logrouter.core.kmsg;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link KmsgSource} reads and how. The settings the config has are given (their defaults
 * are the config's, docs/configuration.md); the internal ones ({@code bufferSize},
 * {@code clockRefresh}, {@code filePoll}) may be left 0 or null for their built-in values, which
 * are declared only in the constructor.
 *
 * @param name          config name of the source
 * @param path          the device ({@code /dev/kmsg}) or a regular file of record groups (fixtures)
 * @param from          start position when there is no saved state
 * @param stateFile     file that keeps the last forwarded seq across restarts, or null
 * @param stateInterval how often the state file is rewritten while records flow; it is also written
 *                      when the source stops
 * @param bufferSize    read buffer, at least 8 KiB
 * @param clockRefresh  how often the realtime-monotonic offset is re-derived
 * @param filePoll      how long a regular file at its end waits before looking again
 */
public record KmsgSpec(String name, Path path, KmsgFrom from, Path stateFile, Duration stateInterval,
                       int bufferSize, Duration clockRefresh, Duration filePoll) {

    public static final int MIN_BUFFER = 8 * 1024;

    public KmsgSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(from, "from");
        stateInterval = positive(Objects.requireNonNull(stateInterval, "stateInterval"), null);
        bufferSize = bufferSize == 0 ? 16 * 1024 : bufferSize;
        if (bufferSize < MIN_BUFFER) {
            throw new IllegalArgumentException("kmsg buffer must be at least 8 KiB (the kernel answers EINVAL)");
        }
        clockRefresh = positive(clockRefresh, Duration.ofSeconds(60));
        filePoll = positive(filePoll, Duration.ofMillis(200));
    }

    private static Duration positive(Duration d, Duration dflt) {
        if (d == null) {
            return dflt;
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("duration must be positive: " + d);
        }
        return d;
    }
}
