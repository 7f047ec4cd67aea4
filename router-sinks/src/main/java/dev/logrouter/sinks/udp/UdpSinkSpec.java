package dev.logrouter.sinks.udp;

import dev.logrouter.sinks.encode.EncoderSpec;
import dev.logrouter.sinks.net.Endpoint;
import java.util.Objects;

/**
 * Settings of one UDP sink.
 *
 * @param name        sink name
 * @param endpoint    {@code udp://host:port/}
 * @param encoder     format (default json_lines, talos)
 * @param maxDatagram largest datagram sent, in bytes (default 10 KiB, Filebeat's limit; 0 = default)
 */
public record UdpSinkSpec(String name, Endpoint endpoint, EncoderSpec encoder, int maxDatagram) {

    public static final int DEFAULT_MAX_DATAGRAM = 10 * 1024;

    public UdpSinkSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(endpoint, "endpoint");
        encoder = encoder == null ? EncoderSpec.jsonLines() : encoder;
        maxDatagram = maxDatagram == 0 ? DEFAULT_MAX_DATAGRAM : maxDatagram;
        if (maxDatagram < 256 || maxDatagram > 65507) {
            throw new IllegalArgumentException("max_datagram must be 256..65507 bytes, was " + maxDatagram);
        }
    }
}
