package dev.logrouter.app.config;

import dev.logrouter.core.io.SocketFile;
import dev.logrouter.core.net.ListenAddress;
import dev.logrouter.core.source.LogSource;
import dev.logrouter.core.syslog.SyslogSource;
import dev.logrouter.core.syslog.SyslogSpec;
import java.nio.file.Path;

/** {@code type: syslog}: RFC 3164/5424 over a Unix datagram socket (like /dev/log), UDP and/or TCP. */
final class SyslogSourceType implements SourceType<SyslogSourceType.Config> {

    /**
     * @param path            AF_UNIX SOCK_DGRAM socket path, e.g. {@code /dev/log}
     * @param mode            octal permission bits of the socket file (default {@code "0666"})
     * @param udp             UDP listen address {@code host:port}
     * @param tcp             TCP listen address {@code host:port} (LF framing and RFC 6587 octet counting)
     * @param maxMessageBytes longer messages are cut and marked truncated (default 64KiB)
     * @param maxConnections  concurrent TCP connections (default 256)
     */
    record Config(Path path, String mode, String udp, String tcp, ByteSize maxMessageBytes, Integer maxConnections) {
        Config {
            if (path == null && udp == null && tcp == null) {
                throw new IllegalArgumentException("a syslog source needs at least one of path, udp, tcp");
            }
            if (mode != null) {
                SocketFile.parseMode(mode);
            }
            if (udp != null) {
                ListenAddress.parse(udp);
            }
            if (tcp != null) {
                ListenAddress.parse(tcp);
            }
            if (maxMessageBytes != null && maxMessageBytes.bytes() < 16) {
                throw new IllegalArgumentException("max_message_bytes must be at least 16");
            }
            if (maxConnections != null && maxConnections < 1) {
                throw new IllegalArgumentException("max_connections must be at least 1");
            }
        }
    }

    @Override
    public String type() {
        return "syslog";
    }

    @Override
    public Class<Config> configClass() {
        return Config.class;
    }

    @Override
    public LogSource create(String name, Config c, RouterEnv env) {
        return new SyslogSource(new SyslogSpec(name, c.path(), c.mode() == null ? -1 : SocketFile.parseMode(c.mode()),
                c.udp(), c.tcp(), c.maxMessageBytes() == null ? 0 : c.maxMessageBytes().intBytes(),
                c.maxConnections() == null ? 0 : c.maxConnections()));
    }
}
