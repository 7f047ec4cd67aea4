package dev.logrouter.app.config;

import dev.logrouter.core.fdsocket.FdSocketSource;
import dev.logrouter.core.fdsocket.FdSocketSpec;
import dev.logrouter.core.io.SocketFile;
import dev.logrouter.core.source.LogSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code type: fd_socket}: the memlogd-compatible log socket (fds handed over with SCM_RIGHTS). */
final class FdSocketSourceType implements SourceType<FdSocketSourceType.Config> {

    static final String TYPE = "fd_socket";

    /**
     * @param path           socket path (required), e.g. {@code /var/run/linuxkit-external-logging.sock}
     * @param mode           octal permission bits of the socket file (default {@code "0660"})
     * @param maxLineBytes   longer lines become partial records (default 64KiB)
     * @param idleFlush      an unterminated line is flushed after this long without data (default 1s)
     * @param stdoutSuffixes names ending in one of these are stdout (default {@code [.out, .stdout]})
     * @param stderrSuffixes names ending in one of these are stderr (default {@code [.stderr]}); other
     *                       names are stderr of the whole name
     * @param levelPrefix    a leading {@code <N>} syslog priority sets a line's level and is cut (default true)
     */
    record Config(@Required Path path, String mode, ByteSize maxLineBytes, Duration idleFlush,
                  List<String> stdoutSuffixes, List<String> stderrSuffixes, Boolean levelPrefix) {
        Config {
            if (mode != null) {
                SocketFile.parseMode(mode);
            }
            if (maxLineBytes != null && maxLineBytes.bytes() < 4) {
                throw new IllegalArgumentException("max_line_bytes must be at least 4");
            }
        }

        int modeBits() {
            return mode == null ? FdSocketSpec.DEFAULT_MODE : SocketFile.parseMode(mode);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Class<Config> configClass() {
        return Config.class;
    }

    @Override
    public LogSource create(String name, Config c, RouterEnv env) {
        return new FdSocketSource(new FdSocketSpec(name, c.path(), c.modeBits(),
                c.maxLineBytes() == null ? 0 : c.maxLineBytes().intBytes(), c.idleFlush(), c.stdoutSuffixes(),
                c.stderrSuffixes(), c.levelPrefix() == null || c.levelPrefix()));
    }
}
