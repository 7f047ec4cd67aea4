package dev.logrouter.app.config;

import dev.logrouter.core.net.ListenAddress;
import dev.logrouter.core.net.NetFormat;

/**
 * The block of {@code type: tcp} and {@code type: udp} sources (aggregator inputs).
 *
 * @param listen         {@code host:port} (required)
 * @param format         {@code json_lines} (default) or {@code text}
 * @param service        service of records that do not name one (default: the source name)
 * @param maxLineBytes   longer lines become partial records, not parsed (default 64KiB)
 * @param maxConnections concurrent TCP connections (default 256; ignored for udp)
 */
record NetSourceConfig(@Required String listen, NetFormat format, String service, ByteSize maxLineBytes,
                       Integer maxConnections) {
    NetSourceConfig {
        if (listen != null) {
            ListenAddress.parse(listen);
        }
        if (maxLineBytes != null && maxLineBytes.bytes() < 4) {
            throw new IllegalArgumentException("max_line_bytes must be at least 4");
        }
        if (maxConnections != null && maxConnections < 1) {
            throw new IllegalArgumentException("max_connections must be at least 1");
        }
    }
}
