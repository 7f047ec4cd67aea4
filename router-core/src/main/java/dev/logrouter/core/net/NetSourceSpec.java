package dev.logrouter.core.net;

import java.util.Objects;

/**
 * An aggregator input: a TCP or UDP listen address receiving JSON lines or text from other hosts.
 *
 * @param name           source name
 * @param protocol       tcp or udp
 * @param listen         {@code host:port}; port 0 picks a free port
 * @param format         json_lines or text
 * @param service        service of records that do not name one (default: the source name)
 * @param maxLineBytes   longer lines become partial records and are not parsed as JSON (default 64 KiB)
 * @param maxConnections concurrent TCP connections; more are closed at once and counted (default 256)
 */
public record NetSourceSpec(String name, NetProtocol protocol, String listen, NetFormat format, String service,
                            int maxLineBytes, int maxConnections) {

    public static final int DEFAULT_MAX_LINE_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_CONNECTIONS = 256;

    public NetSourceSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(listen, "listen");
        ListenAddress.parse(listen);
        format = format == null ? NetFormat.JSON_LINES : format;
        service = service == null || service.isEmpty() ? name : service;
        maxLineBytes = maxLineBytes <= 0 ? DEFAULT_MAX_LINE_BYTES : maxLineBytes;
        if (maxLineBytes < 4) {
            throw new IllegalArgumentException("max_line_bytes must be at least 4");
        }
        maxConnections = maxConnections <= 0 ? DEFAULT_MAX_CONNECTIONS : maxConnections;
    }

    public static NetSourceSpec of(String name, NetProtocol protocol, String listen, NetFormat format) {
        return new NetSourceSpec(name, protocol, listen, format, null, 0, 0);
    }
}
