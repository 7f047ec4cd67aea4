package dev.logrouter.core.kmsg;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link KmsgSource} reads and how.
 *
 * @param name          config name of the source
 * @param path          the device ({@code /dev/kmsg}) or a regular file of record groups (fixtures)
 * @param from          start position when there is no saved state (default {@link KmsgFrom#START})
 * @param stateFile     file that keeps the last forwarded seq across restarts, or null
 * @param stateInterval how often the state file is rewritten while records flow (default 1s); it is
 *                      also written when the source stops
 * @param bufferSize    read buffer, at least 8 KiB (default 16 KiB)
 * @param clockRefresh  how often the realtime-monotonic offset is re-derived (default 60s)
 * @param filePoll      how long a regular file at its end waits before looking again (default 200ms)
 */
public record KmsgSpec(String name, Path path, KmsgFrom from, Path stateFile, Duration stateInterval,
                       int bufferSize, Duration clockRefresh, Duration filePoll) {

    public static final Path DEFAULT_PATH = Path.of("/dev/kmsg");
    public static final int MIN_BUFFER = 8 * 1024;

    public KmsgSpec {
        Objects.requireNonNull(name, "name");
        path = path == null ? DEFAULT_PATH : path;
        from = from == null ? KmsgFrom.START : from;
        stateInterval = positive(stateInterval, Duration.ofSeconds(1));
        bufferSize = bufferSize == 0 ? 16 * 1024 : bufferSize;
        if (bufferSize < MIN_BUFFER) {
            throw new IllegalArgumentException("kmsg buffer must be at least 8 KiB (the kernel answers EINVAL)");
        }
        clockRefresh = positive(clockRefresh, Duration.ofSeconds(60));
        filePoll = positive(filePoll, Duration.ofMillis(200));
    }

    /** Defaults for everything but name, path, from and state file. */
    public KmsgSpec(String name, Path path, KmsgFrom from, Path stateFile) {
        this(name, path, from, stateFile, null, 0, null, null);
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
