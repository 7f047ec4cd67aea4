package dev.logrouter.sinks.testsupport;

import dev.logrouter.core.journal.JournalSpec;
import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.WhenFull;
import dev.logrouter.sinks.encode.EncoderSpec;
import dev.logrouter.sinks.encode.FieldSet;
import dev.logrouter.sinks.encode.Format;
import dev.logrouter.sinks.encode.Framing;
import dev.logrouter.sinks.file.FileSinkSpec;
import dev.logrouter.sinks.kafka.KafkaSinkSpec;
import dev.logrouter.sinks.net.Endpoint;
import dev.logrouter.sinks.tcp.TcpSinkSpec;
import dev.logrouter.sinks.tcp.TlsSpec;
import dev.logrouter.sinks.udp.UdpSinkSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Specs for tests that set only what they test: the specs have no defaults of their own (the
 * config's records declare them), so here a null, 0 or -1 argument takes the tests' usual value, the
 * same as the config's today so that a test sees what a deployment would.
 */
public final class TestSpecs {

    public static final JournalSpec JOURNAL = new JournalSpec(5000, 8L << 20);
    public static final BufferSpec BUFFER = new BufferSpec(100_000, 64L << 20, WhenFull.DROP_OLDEST);
    public static final int MAX_DATAGRAM = 10 * 1024;

    private TestSpecs() {
    }

    public static EncoderSpec encoder(Format format, FieldSet fields, Map<String, String> extraTags, String host,
                                      boolean includeCursor, String facility, Framing framing) {
        return new EncoderSpec(format, or(fields, FieldSet.TALOS), extraTags, host, includeCursor,
                or(facility, "user"), or(framing, Framing.LF), List.of());
    }

    public static EncoderSpec encoder(Format format) {
        return encoder(format, null, null, null, false, null, null);
    }

    /** {@code json_lines} with Talos keys, no tags, no host. */
    public static EncoderSpec jsonLines() {
        return encoder(Format.JSON_LINES);
    }

    public static TcpSinkSpec tcp(String name, Endpoint endpoint, EncoderSpec encoder, int batchEvents,
                                  Duration flushInterval, Duration backoffMin, Duration backoffMax,
                                  Duration connectTimeout, Duration writeTimeout, long resendBytes, TlsSpec tls) {
        return new TcpSinkSpec(name, endpoint, or(encoder, jsonLines()), batchEvents > 0 ? batchEvents : 1024,
                or(flushInterval, Duration.ofMillis(20)), or(backoffMin, Duration.ofMillis(100)),
                or(backoffMax, Duration.ofSeconds(30)), or(connectTimeout, Duration.ofSeconds(5)),
                or(writeTimeout, Duration.ofSeconds(30)),
                resendBytes >= 0 ? resendBytes : TcpSinkSpec.defaultResendBytes(), tls);
    }

    public static TcpSinkSpec tcp(String name, Endpoint endpoint, EncoderSpec encoder) {
        return tcp(name, endpoint, encoder, 0, null, null, null, null, null, -1, null);
    }

    public static UdpSinkSpec udp(String name, Endpoint endpoint, EncoderSpec encoder, int maxDatagram) {
        return new UdpSinkSpec(name, endpoint, or(encoder, jsonLines()), maxDatagram != 0 ? maxDatagram : MAX_DATAGRAM);
    }

    public static FileSinkSpec file(String name, String path, EncoderSpec encoder, long rotateBytes, int keep,
                                    Duration flushInterval, int maxOpenFiles) {
        return new FileSinkSpec(name, path, or(encoder, encoder(Format.TEXT)), rotateBytes, keep,
                or(flushInterval, Duration.ofSeconds(1)), maxOpenFiles > 0 ? maxOpenFiles : 64);
    }

    public static KafkaSinkSpec kafka(String name, List<String> bootstrapServers, String topic, String key,
                                      EncoderSpec encoder, String acks, String compression, int batchBytes,
                                      int maxRecordBytes, Duration linger, int maxInFlight, KafkaSinkSpec.Tls tls,
                                      KafkaSinkSpec.Sasl sasl, Map<String, String> producer) {
        return new KafkaSinkSpec(name, bootstrapServers, or(topic, "logs-{service}"), or(key, "service"),
                or(encoder, jsonLines()), or(acks, "all"), or(compression, "zstd"),
                batchBytes > 0 ? batchBytes : 256 * 1024, maxRecordBytes > 0 ? maxRecordBytes : 1024 * 1024,
                or(linger, Duration.ofMillis(20)), maxInFlight > 0 ? maxInFlight : 10_000, tls, sasl, producer);
    }

    private static <T> T or(T value, T otherwise) {
        return value != null ? value : otherwise;
    }
}
