package dev.logrouter.core.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an exec source runs and how. Every setting is given: the defaults are the config's
 * ({@code ExecSourceType} in router-app, listed in docs/configuration.md).
 *
 * @param name          source name
 * @param service       service name of its records; null for the source name
 * @param command       argv, first element the program
 * @param env           extra environment variables; null for none
 * @param workingDir    working directory, or {@code null} for the router's
 * @param restart       restart policy
 * @param backoffMin    first restart delay
 * @param backoffMax    restart delay cap (delays double from min up to it)
 * @param maxLineBytes  longer lines are split into partial records
 * @param idleFlush     an unterminated line is flushed after this long without output
 * @param stopTimeout   after SIGTERM, how long before SIGKILL
 * @param levelPrefix   a leading {@code <N>} syslog priority sets the line's level and is cut
 *                      ({@link dev.logrouter.core.record.LevelPrefix})
 */
public record ExecSpec(String name, String service, List<String> command, Map<String, String> env, Path workingDir,
                       RestartPolicy restart, Duration backoffMin, Duration backoffMax, int maxLineBytes,
                       Duration idleFlush, Duration stopTimeout, boolean levelPrefix) {

    public ExecSpec {
        Objects.requireNonNull(name, "name");
        service = service == null ? name : service;
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("exec command must not be empty");
        }
        env = env == null ? Map.of() : Map.copyOf(env);
        Objects.requireNonNull(restart, "restart");
        Objects.requireNonNull(backoffMin, "backoffMin");
        Objects.requireNonNull(backoffMax, "backoffMax");
        if (backoffMin.isNegative() || backoffMin.compareTo(backoffMax) > 0) {
            throw new IllegalArgumentException("restart backoff needs 0 <= backoff_min <= backoff_max");
        }
        if (maxLineBytes < 4) {
            throw new IllegalArgumentException("max_line_bytes must be at least 4, was " + maxLineBytes);
        }
        Objects.requireNonNull(idleFlush, "idleFlush");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
    }
}
