package dev.logrouter.app.config;

import dev.logrouter.core.exec.ExecSource;
import dev.logrouter.core.exec.ExecSpec;
import dev.logrouter.core.exec.RestartPolicy;
import dev.logrouter.core.source.LogSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code type: exec}: runs a command and reads its stdout and stderr. */
final class ExecSourceType implements SourceType<ExecSourceType.Config> {

    /**
     * @param command      argv (required, not empty)
     * @param service      service name of the records (default: the source name)
     * @param env          extra environment variables
     * @param workdir      working directory
     * @param restart      {@code never} (default), {@code on-failure}, {@code always}
     * @param backoffMin   first restart delay (default 500ms)
     * @param backoffMax   longest restart delay (default 30s)
     * @param maxLineBytes longer lines become partial records (default 64KiB)
     * @param idleFlush    an unterminated line is flushed after this long (default 1s)
     * @param stopTimeout  SIGTERM to SIGKILL delay on stop (default 3s)
     * @param levelPrefix  a leading {@code <N>} syslog priority sets a line's level and is cut (default true)
     */
    record Config(@Required List<String> command, String service, Map<String, String> env, Path workdir,
                  RestartPolicy restart, Duration backoffMin, Duration backoffMax, ByteSize maxLineBytes,
                  Duration idleFlush, Duration stopTimeout, Boolean levelPrefix) {
        Config {
            if (command != null && command.isEmpty()) {
                throw new IllegalArgumentException("command must name a program");
            }
            if (maxLineBytes != null && maxLineBytes.bytes() < 4) {
                throw new IllegalArgumentException("max_line_bytes must be at least 4");
            }
            if (backoffMin != null && backoffMax != null && backoffMin.compareTo(backoffMax) > 0) {
                throw new IllegalArgumentException("backoff_min must not exceed backoff_max");
            }
        }
    }

    @Override
    public String type() {
        return "exec";
    }

    @Override
    public Class<Config> configClass() {
        return Config.class;
    }

    @Override
    public LogSource create(String name, Config c, RouterEnv env) {
        return new ExecSource(new ExecSpec(name, c.service(), c.command(), c.env(), c.workdir(), c.restart(),
                c.backoffMin(), c.backoffMax(), c.maxLineBytes() == null ? 0 : c.maxLineBytes().intBytes(),
                c.idleFlush(), c.stopTimeout(), c.levelPrefix() == null || c.levelPrefix()));
    }
}
