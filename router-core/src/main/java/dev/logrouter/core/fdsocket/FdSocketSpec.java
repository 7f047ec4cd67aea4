package dev.logrouter.core.fdsocket;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What an fd socket source binds and how it names and frames what it reads. Every setting is given:
 * the defaults are the config's (docs/configuration.md).
 *
 * @param name            source name
 * @param path            socket path (AF_UNIX SOCK_DGRAM)
 * @param mode            permission bits of the socket file, e.g. {@code 0660}
 * @param maxLineBytes    longer lines are split into partial records
 * @param idleFlush       an unterminated line is flushed after this long without data on its fd
 * @param stdoutSuffixes  a name ending in one of these is stream {@code stdout} of the service named by
 *                        the rest (LinuxKit: {@code .out}; older docs {@code .stdout})
 * @param stderrSuffixes  a name ending in one of these is stream {@code stderr} of the rest; any other
 *                        name is stream {@code stderr} of the whole name (LinuxKit convention)
 * @param levelPrefix     a leading {@code <N>} syslog priority sets a line's level and is cut
 *                        ({@link dev.logrouter.core.record.LevelPrefix})
 */
public record FdSocketSpec(String name, Path path, int mode, int maxLineBytes, Duration idleFlush,
                           List<String> stdoutSuffixes, List<String> stderrSuffixes, boolean levelPrefix) {

    public FdSocketSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        if (mode < 0 || mode > 07777) {
            throw new IllegalArgumentException("mode must be permission bits (0..07777), was " + mode);
        }
        if (maxLineBytes < 4) {
            throw new IllegalArgumentException("max_line_bytes must be at least 4");
        }
        Objects.requireNonNull(idleFlush, "idleFlush");
        stdoutSuffixes = List.copyOf(stdoutSuffixes);
        stderrSuffixes = List.copyOf(stderrSuffixes);
    }

    public FdSocketSpec withMaxLineBytes(int n) {
        return new FdSocketSpec(name, path, mode, n, idleFlush, stdoutSuffixes, stderrSuffixes, levelPrefix);
    }

    public FdSocketSpec withIdleFlush(Duration d) {
        return new FdSocketSpec(name, path, mode, maxLineBytes, d, stdoutSuffixes, stderrSuffixes, levelPrefix);
    }

    public FdSocketSpec withLevelPrefix(boolean on) {
        return new FdSocketSpec(name, path, mode, maxLineBytes, idleFlush, stdoutSuffixes, stderrSuffixes, on);
    }
}
