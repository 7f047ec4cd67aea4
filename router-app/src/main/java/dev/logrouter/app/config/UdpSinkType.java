package dev.logrouter.app.config;

import dev.logrouter.core.sink.LogSink;
import dev.logrouter.sinks.net.Endpoint;
import dev.logrouter.sinks.udp.UdpSink;
import dev.logrouter.sinks.udp.UdpSinkSpec;

/** {@code type: udp}: one record per datagram, never larger than {@code max_datagram}. */
@Doc(value = "One record per datagram, never larger than `max_datagram`.", see = "sinks.md#udp")
public final class UdpSinkType implements SinkType<UdpSinkType.Config> {

    record Config(
            @Required @Doc("`udp://host:port/`")
            String endpoint,
            @Block(inline = true, keys = {"format", "fields", "extra_tags", "host", "include_cursor", "facility",
                    "extra_fields"})
            EncodingConfig encoding,
            @Default("10KiB")
            @Doc("largest datagram; Filebeat's UDP input silently truncates above 10 KiB, Vector's at 100 KiB")
            ByteSize maxDatagram) {
        Config {
            if (endpoint != null) {
                Endpoint.parse(endpoint, "udp");
            }
            if (maxDatagram != null && (maxDatagram.bytes() < 256 || maxDatagram.bytes() > 65507)) {
                throw new IllegalArgumentException("max_datagram must be 256..65507 bytes");
            }
        }
    }

    @Override
    public String type() {
        return "udp";
    }

    @Override
    public LogSink create(String name, Config c, RouterEnv env) {
        return new UdpSink(new UdpSinkSpec(name, Endpoint.parse(c.endpoint(), "udp"), c.encoding().spec(),
                c.maxDatagram().intBytes()));
    }
}
