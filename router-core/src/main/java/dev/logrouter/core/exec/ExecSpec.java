package dev.logrouter.core.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an exec source runs and how.
 *
 * @param name          source name
 * @param service       service name of its records (defaults to the source name)
 * @param command       argv, first element the program
 * @param env           extra environment variables
 * @param workingDir    working directory, or {@code null} for the router's
 * @param restart       restart policy
 * @param backoffMin    first restart delay
 * @param backoffMax    restart delay cap (delays double from min up to it)
 * @param maxLineBytes  longer lines are split into partial records
 * @param idleFlush     an unterminated line is flushed after this long without output
 * @param stopTimeout   after SIGTERM, how long before SIGKILL
 * @param levelPrefix   a leading {@code <N>} syslog priority sets the line's level and is cut
 *                      ({@link dev.logrouter.core.record.LevelPrefix}); default true
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
        restart = restart == null ? RestartPolicy.NEVER : restart;
        backoffMin = backoffMin == null ? Duration.ofMillis(500) : backoffMin;
        backoffMax = backoffMax == null ? Duration.ofSeconds(30) : backoffMax;
        maxLineBytes = maxLineBytes <= 0 ? 64 * 1024 : maxLineBytes;
        idleFlush = idleFlush == null ? Duration.ofSeconds(1) : idleFlush;
        stopTimeout = stopTimeout == null ? Duration.ofSeconds(3) : stopTimeout;
    }

    /** With {@code level_prefix} on, its default. */
    public ExecSpec(String name, String service, List<String> command, Map<String, String> env, Path workingDir,
                    RestartPolicy restart, Duration backoffMin, Duration backoffMax, int maxLineBytes,
                    Duration idleFlush, Duration stopTimeout) {
        this(name, service, command, env, workingDir, restart, backoffMin, backoffMax, maxLineBytes, idleFlush,
                stopTimeout, true);
    }

    public static ExecSpec of(String name, List<String> command, RestartPolicy restart) {
        return new ExecSpec(name, null, command, null, null, restart, null, null, 0, null, null);
    }
}
