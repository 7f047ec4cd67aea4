package dev.logrouter.app.config;

import dev.logrouter.core.sink.LogSink;
import dev.logrouter.sinks.encode.EncoderSpec;
import dev.logrouter.sinks.encode.FieldSet;
import dev.logrouter.sinks.encode.Format;
import dev.logrouter.sinks.net.Endpoint;
import dev.logrouter.sinks.udp.UdpSink;
import dev.logrouter.sinks.udp.UdpSinkSpec;
import java.util.List;
import java.util.Map;

/** {@code type: udp}: one record per datagram, never larger than {@code max_datagram}. */
final class UdpSinkType implements SinkType<UdpSinkType.Config> {

    /**
     * @param endpoint      {@code udp://host:port/} (required)
     * @param format        {@code json_lines} (default), {@code text}, {@code logread}, {@code rfc5424}
     * @param fields        json_lines keys: {@code talos} (default) or {@code ecs}
     * @param extraTags     keys added to every json_lines record, overriding others
     * @param host          host name put in records
     * @param includeCursor add the journal cursor (json_lines talos)
     * @param facility      rfc5424 default facility
     * @param maxDatagram   largest datagram (default 10KiB, Filebeat's limit)
     * @param extraFields   json_lines talos: keys beyond Talos's own
     */
    record Config(@Required String endpoint, Format format, FieldSet fields, Map<String, String> extraTags,
                  String host, Boolean includeCursor, String facility, ByteSize maxDatagram,
                  List<String> extraFields) {
        Config {
            if (endpoint != null) {
                Endpoint.parse(endpoint, "udp");
            }
            if (maxDatagram != null && (maxDatagram.bytes() < 256 || maxDatagram.bytes() > 65507)) {
                throw new IllegalArgumentException("max_datagram must be 256..65507 bytes");
            }
            EncoderConfig.spec(format, Format.JSON_LINES, fields, extraTags, host, includeCursor, facility, null,
                    extraFields);
        }
    }

    @Override
    public String type() {
        return "udp";
    }

    @Override
    public Class<Config> configClass() {
        return Config.class;
    }

    @Override
    public EncoderSpec encoding(Config c) {
        return EncoderConfig.spec(c.format(), Format.JSON_LINES, c.fields(), c.extraTags(), c.host(),
                c.includeCursor(), c.facility(), null, c.extraFields());
    }

    @Override
    public LogSink create(String name, Config c, RouterEnv env) {
        return new UdpSink(new UdpSinkSpec(name, Endpoint.parse(c.endpoint(), "udp"),
                EncoderConfig.spec(c.format(), Format.JSON_LINES, c.fields(), c.extraTags(), c.host(),
                        c.includeCursor(), c.facility(), null, c.extraFields()),
                c.maxDatagram() == null ? 0 : c.maxDatagram().intBytes()));
    }
}
