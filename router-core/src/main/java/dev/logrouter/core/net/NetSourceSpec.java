package dev.logrouter.core.net;

import java.util.Objects;

/**
 * An aggregator input: a TCP or UDP listen address receiving JSON lines or text from other hosts.
 * Every setting is given: the defaults are the config's (docs/configuration.md).
 *
 * @param name           source name
 * @param protocol       tcp or udp
 * @param listen         {@code host:port}; port 0 picks a free port
 * @param format         json_lines or text
 * @param service        service of records that do not name one; null for the source name
 * @param maxLineBytes   longer lines become partial records and are not parsed as JSON
 * @param maxConnections concurrent TCP connections; more are closed at once and counted
 */
public record NetSourceSpec(String name, NetProtocol protocol, String listen, NetFormat format, String service,
                            int maxLineBytes, int maxConnections) {

    public NetSourceSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(listen, "listen");
        ListenAddress.parse(listen);
        Objects.requireNonNull(format, "format");
        service = service == null || service.isEmpty() ? name : service;
        if (maxLineBytes < 4) {
            throw new IllegalArgumentException("max_line_bytes must be at least 4");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("max_connections must be at least 1, was " + maxConnections);
        }
    }
}
