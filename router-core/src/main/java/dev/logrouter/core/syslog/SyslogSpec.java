package dev.logrouter.core.syslog;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a syslog source listens; any combination of a Unix datagram socket, a UDP and a TCP address.
 * Every setting is given: the defaults are the config's (docs/configuration.md).
 *
 * @param name            source name
 * @param path            AF_UNIX SOCK_DGRAM socket path (like {@code /dev/log}), or {@code null}
 * @param mode            permission bits of the socket file
 * @param udp             UDP listen address ({@code host:port}), or {@code null}
 * @param tcp             TCP listen address; LF framing and RFC 6587 octet counting, or {@code null}
 * @param maxMessageBytes longer messages are cut and marked {@code truncated}
 * @param maxConnections  concurrent TCP connections; more are closed at once and counted
 */
public record SyslogSpec(String name, Path path, int mode, String udp, String tcp, int maxMessageBytes,
                         int maxConnections) {

    public SyslogSpec {
        Objects.requireNonNull(name, "name");
        if (path == null && udp == null && tcp == null) {
            throw new IllegalArgumentException("a syslog source needs at least one of path, udp, tcp");
        }
        if (mode < 0 || mode > 07777) {
            throw new IllegalArgumentException("mode must be permission bits (0..07777), was " + mode);
        }
        if (maxMessageBytes < 16) {
            throw new IllegalArgumentException("max_message_bytes must be at least 16");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("max_connections must be at least 1, was " + maxConnections);
        }
    }
}
