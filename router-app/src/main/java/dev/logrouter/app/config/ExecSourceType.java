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
@Doc(value = "Runs a command and captures its stdout and stderr as two streams of one service.",
        see = "#exec-in-detail")
public final class ExecSourceType implements SourceType<ExecSourceType.Config> {

    record Config(
            @Required @Doc("argv list; a single string is a one-element list")
            List<String> command,
            @Doc(value = "service of the records", absent = "the source name")
            String service,
            @Doc(value = "extra environment variables (map)", absent = "none")
            Map<String, String> env,
            @Doc(value = "working directory", absent = "the router's")
            Path workdir,
            @Default("never") @Doc("`never`, `on-failure` (non-zero exit or failure to start), `always`")
            RestartPolicy restart,
            @Block(inline = true, defaults = {"backoff_min=500ms", "backoff_max=30s"})
            BackoffConfig backoff,
            @Default("64KiB") @Doc("longer lines become partial records")
            ByteSize maxLineBytes,
            @Default("1s") @Doc("an unterminated line is flushed after this long without output")
            Duration idleFlush,
            @Default("3s") @Doc("on stop: SIGTERM to the process and its descendants, SIGKILL after this")
            Duration stopTimeout,
            @Default("true") @Doc("a line starting with a syslog priority `<N>` gets that level, and the prefix is cut")
            Boolean levelPrefix) {
        Config {
            if (command != null && command.isEmpty()) {
                throw new IllegalArgumentException("command must name a program");
            }
            if (maxLineBytes != null && maxLineBytes.bytes() < 4) {
                throw new IllegalArgumentException("max_line_bytes must be at least 4");
            }
        }
    }

    @Override
    public String type() {
        return "exec";
    }

    @Override
    public LogSource create(String name, Config c, RouterEnv env) {
        return new ExecSource(new ExecSpec(name, c.service(), c.command(), c.env(), c.workdir(), c.restart(),
                c.backoff().backoffMin(), c.backoff().backoffMax(), c.maxLineBytes().intBytes(), c.idleFlush(),
                c.stopTimeout(), c.levelPrefix()));
    }
}
