package dev.logrouter.sinks.udp;

import dev.logrouter.sinks.encode.EncoderSpec;
import dev.logrouter.sinks.net.Endpoint;
import java.util.Objects;

/**
 * Settings of one UDP sink. Every setting is given: the defaults are the config's
 * (docs/configuration.md).
 *
 * @param name        sink name
 * @param endpoint    {@code udp://host:port/}
 * @param encoder     format
 * @param maxDatagram largest datagram sent, in bytes
 */
public record UdpSinkSpec(String name, Endpoint endpoint, EncoderSpec encoder, int maxDatagram) {

    public UdpSinkSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(encoder, "encoder");
        if (maxDatagram < 256 || maxDatagram > 65507) {
            throw new IllegalArgumentException("max_datagram must be 256..65507 bytes, was " + maxDatagram);
        }
    }
}
