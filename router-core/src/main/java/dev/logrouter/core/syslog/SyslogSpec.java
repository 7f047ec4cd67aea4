package dev.logrouter.core.syslog;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a syslog source listens; any combination of a Unix datagram socket, a UDP and a TCP address.
 *
 * @param name            source name
 * @param path            AF_UNIX SOCK_DGRAM socket path (like {@code /dev/log}), or {@code null}
 * @param mode            permission bits of the socket file (default {@code 0666}: every local program may log)
 * @param udp             UDP listen address ({@code host:port}), or {@code null}
 * @param tcp             TCP listen address; LF framing and RFC 6587 octet counting, or {@code null}
 * @param maxMessageBytes longer messages are cut and marked {@code truncated} (default 64 KiB)
 * @param maxConnections  concurrent TCP connections; more are closed at once and counted (default 256)
 */
public record SyslogSpec(String name, Path path, int mode, String udp, String tcp, int maxMessageBytes,
                         int maxConnections) {

    public static final int DEFAULT_MODE = 0666;
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_CONNECTIONS = 256;

    public SyslogSpec {
        Objects.requireNonNull(name, "name");
        if (path == null && udp == null && tcp == null) {
            throw new IllegalArgumentException("a syslog source needs at least one of path, udp, tcp");
        }
        mode = mode < 0 ? DEFAULT_MODE : mode;
        maxMessageBytes = maxMessageBytes <= 0 ? DEFAULT_MAX_MESSAGE_BYTES : maxMessageBytes;
        if (maxMessageBytes < 16) {
            throw new IllegalArgumentException("max_message_bytes must be at least 16");
        }
        maxConnections = maxConnections <= 0 ? DEFAULT_MAX_CONNECTIONS : maxConnections;
    }

    public static SyslogSpec unix(String name, Path path) {
        return new SyslogSpec(name, path, -1, null, null, 0, 0);
    }
}
