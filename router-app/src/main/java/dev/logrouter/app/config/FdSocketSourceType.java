package dev.logrouter.app.config;

import dev.logrouter.core.fdsocket.FdSocketSource;
import dev.logrouter.core.fdsocket.FdSocketSpec;
import dev.logrouter.core.io.SocketFile;
import dev.logrouter.core.source.LogSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code type: fd_socket}: the memlogd-compatible log socket (fds handed over with SCM_RIGHTS). */
@Doc(value = "The memlogd-compatible log socket: services hand over their stdout/stderr pipes (SCM_RIGHTS).",
        see = "intake.md")
public final class FdSocketSourceType implements SourceType<FdSocketSourceType.Config> {

    static final String TYPE = "fd_socket";

    record Config(
            @Required @Doc("socket path, e.g. `/var/run/linuxkit-external-logging.sock`; see "
                    + "[socket files](intake.md#socket-files)")
            Path path,
            @Default("0660") @Doc("octal permission bits of the socket file (who may hand over fds)")
            String mode,
            @Default("64KiB") @Doc("longer lines become consecutive partial records, nothing is discarded")
            ByteSize maxLineBytes,
            @Default("1s") @Doc("an unterminated line is flushed (as partial) after this long without data on its fd")
            Duration idleFlush,
            @Default("[.out, .stdout]")
            @Doc("a name ending in one of these is stream `stdout` of the service named by the rest")
            List<String> stdoutSuffixes,
            @Default("[.stderr]")
            @Doc("a name ending in one of these is stream `stderr` of the rest; other names are stderr of the whole "
                    + "name")
            List<String> stderrSuffixes,
            @Default("true")
            @Doc("a line starting with a syslog priority `<N>` (systemd's `SyslogLevelPrefix`, sd-daemon's "
                    + "`SD_ERR`...) gets that level and loses the prefix; a partial piece's continuation is never "
                    + "read as one")
            Boolean levelPrefix) {
        Config {
            if (mode != null) {
                SocketFile.parseMode(mode);
            }
            if (maxLineBytes != null && maxLineBytes.bytes() < 4) {
                throw new IllegalArgumentException("max_line_bytes must be at least 4");
            }
        }

        int modeBits() {
            return SocketFile.parseMode(mode);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public LogSource create(String name, Config c, RouterEnv env) {
        return new FdSocketSource(new FdSocketSpec(name, c.path(), c.modeBits(),
                c.maxLineBytes().intBytes(), c.idleFlush(), c.stdoutSuffixes(), c.stderrSuffixes(), c.levelPrefix()));
    }
}
