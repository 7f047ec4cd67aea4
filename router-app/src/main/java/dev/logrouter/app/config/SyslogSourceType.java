package dev.logrouter.app.config;

import dev.logrouter.core.io.SocketFile;
import dev.logrouter.core.net.ListenAddress;
import dev.logrouter.core.source.LogSource;
import dev.logrouter.core.syslog.SyslogSource;
import dev.logrouter.core.syslog.SyslogSpec;
import java.nio.file.Path;

/** {@code type: syslog}: RFC 3164/5424 over a Unix datagram socket (like /dev/log), UDP and/or TCP. */
@Doc(value = "RFC 3164/5424 syslog over a `/dev/log`-style Unix datagram socket, UDP and/or TCP "
        + "(at least one of `path`, `udp`, `tcp`).", see = "intake.md")
public final class SyslogSourceType implements SourceType<SyslogSourceType.Config> {

    record Config(
            @Doc(value = "AF_UNIX SOCK_DGRAM socket path (like `/dev/log`); one message per datagram", absent = "none")
            Path path,
            @Default("0666") @Doc("octal permission bits of the socket file (every local program may log)")
            String mode,
            @Doc(value = "UDP listen address `host:port` (`[::1]:514`, `:514` for all addresses)", absent = "none")
            String udp,
            @Doc(value = "TCP listen address; per message RFC 6587 octet counting or LF framing", absent = "none")
            String tcp,
            @Default("64KiB") @Doc("longer messages are cut and get field `truncated: true` (Talos cuts at 1 KiB)")
            ByteSize maxMessageBytes,
            @Default("256")
            @Doc("concurrent TCP connections; more are closed at once and counted; a connection that ends on an "
                    + "error (a reset) is counted as `connection_errors` and logged, and what it sent is kept")
            Integer maxConnections) {
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
    public LogSource create(String name, Config c, RouterEnv env) {
        return new SyslogSource(new SyslogSpec(name, c.path(), SocketFile.parseMode(c.mode()), c.udp(),
                c.tcp(), c.maxMessageBytes().intBytes(), c.maxConnections()));
    }
}
