package dev.logrouter.app.config;

import dev.logrouter.core.net.ListenAddress;
import dev.logrouter.core.net.NetFormat;

/** The block of {@code type: tcp} and {@code type: udp} sources (aggregator inputs). */
record NetSourceConfig(
        @Required @Doc("`host:port`; `:port` listens on all addresses")
        String listen,
        @Default("json_lines") @Doc("`json_lines` (one JSON object per line or datagram) or `text`")
        NetFormat format,
        @Doc(value = "service of records that do not name one", absent = "the source name")
        String service,
        @Default("64KiB") @Doc("longer lines become partial records (kept, not parsed as JSON, counted)")
        ByteSize maxLineBytes,
        @Default("256") @Doc("`tcp` only: concurrent connections; more are closed at once and counted")
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
