package dev.logrouter.app.config;

import dev.logrouter.core.sink.LogSink;
import dev.logrouter.sinks.encode.EncoderSpec;
import dev.logrouter.sinks.encode.FieldSet;
import dev.logrouter.sinks.encode.Format;
import dev.logrouter.sinks.kafka.KafkaSink;
import dev.logrouter.sinks.kafka.KafkaSinkSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code type: kafka}: one Kafka record per log record, through the official producer. */
final class KafkaSinkType implements SinkType<KafkaSinkType.Config> {

    /**
     * @param bootstrapServers {@code host:port}, one or a list (required)
     * @param topic            template with {@code {service}} / {@code {source}} (default {@code logs-{service}})
     * @param key              {@code service} (default), {@code source}, {@code none} or a field name
     * @param format           {@code json_lines} (default), {@code text}, {@code logread}, {@code rfc5424}
     * @param fields           json_lines keys: {@code talos} (default) or {@code ecs}
     * @param extraTags        keys added to every json_lines record
     * @param host             host name put in records
     * @param includeCursor    add the journal cursor (json_lines talos)
     * @param facility         rfc5424 default facility
     * @param acks             {@code all} (default, idempotent producer) or {@code 1}
     * @param compression      {@code zstd} (default), {@code lz4}, {@code gzip}, {@code none}
     * @param batchBytes       producer batch size (default 256KiB)
     * @param maxRecordBytes   largest encoded record sent (default 1MiB); keep at or below the brokers'
     *                         {@code message.max.bytes}
     * @param linger           producer linger (default 20ms)
     * @param maxInFlight      records sent and not yet acknowledged, at most (default 10000)
     * @param tls              TLS block
     * @param sasl             SASL block
     * @param producer         other producer settings by their Kafka names
     */
    record Config(@Required List<String> bootstrapServers, String topic, String key, Format format, FieldSet fields,
                  Map<String, String> extraTags, String host, Boolean includeCursor, String facility, String acks,
                  String compression, ByteSize batchBytes, ByteSize maxRecordBytes, Duration linger, Integer maxInFlight, Tls tls, Sasl sasl,
                  Map<String, String> producer) {
        Config {
            if (batchBytes != null && (batchBytes.bytes() < 1 || batchBytes.bytes() > Integer.MAX_VALUE)) {
                throw new IllegalArgumentException("batch_bytes must be between 1 byte and 2GiB");
            }
            if (maxRecordBytes != null && (maxRecordBytes.bytes() < 1 || maxRecordBytes.bytes() > Integer.MAX_VALUE)) {
                throw new IllegalArgumentException("max_record_bytes must be between 1 byte and 2GiB");
            }
            if (maxInFlight != null && maxInFlight < 1) {
                throw new IllegalArgumentException("max_in_flight must be at least 1");
            }
            if (bootstrapServers != null) {
                // every other check, once, at load time (fields are not assigned yet: pass the values)
                spec("check", bootstrapServers, topic, key, format, fields, extraTags, host, includeCursor, facility,
                        acks, compression, batchBytes, maxRecordBytes, linger, maxInFlight, tls, sasl, producer);
            }
        }
    }

    /**
     * @param ca             PEM CA file that signs the brokers' certificates (default: the JDK trust store)
     * @param cert           PEM client certificate (mutual TLS)
     * @param key            PEM PKCS#8 key of {@code cert}
     * @param verifyHostname check that the certificate names the broker's host (default true)
     */
    record Tls(Path ca, Path cert, Path key, Boolean verifyHostname) {
    }

    /**
     * @param mechanism {@code PLAIN} (default), {@code SCRAM-SHA-256}, {@code SCRAM-SHA-512}
     * @param username  (required)
     * @param password  (required)
     */
    record Sasl(String mechanism, @Required String username, @Required String password) {
    }

    @Override
    public String type() {
        return "kafka";
    }

    @Override
    public Class<Config> configClass() {
        return Config.class;
    }

    @Override
    public LogSink create(String name, Config c, RouterEnv env) {
        return new KafkaSink(spec(name, c.bootstrapServers(), c.topic(), c.key(), c.format(), c.fields(),
                c.extraTags(), c.host(), c.includeCursor(), c.facility(), c.acks(), c.compression(), c.batchBytes(),
                c.maxRecordBytes(), c.linger(), c.maxInFlight(), c.tls(), c.sasl(), c.producer()));
    }

    private static KafkaSinkSpec spec(String name, List<String> bootstrapServers, String topic, String key,
                                      Format format, FieldSet fields, Map<String, String> extraTags, String host,
                                      Boolean includeCursor, String facility, String acks, String compression,
                                      ByteSize batchBytes, ByteSize maxRecordBytes, Duration linger, Integer maxInFlight, Tls tls, Sasl sasl,
                                      Map<String, String> producer) {
        EncoderSpec enc = EncoderConfig.spec(format, Format.JSON_LINES, fields, extraTags, host, includeCursor,
                facility, null);
        KafkaSinkSpec.Tls t = tls == null ? null : new KafkaSinkSpec.Tls(tls.ca(), tls.cert(), tls.key(),
                tls.verifyHostname() == null || tls.verifyHostname());
        KafkaSinkSpec.Sasl s = sasl == null ? null : new KafkaSinkSpec.Sasl(sasl.mechanism(), sasl.username(),
                sasl.password());
        return new KafkaSinkSpec(name, bootstrapServers, topic, key, enc, acks, compression,
                batchBytes == null ? 0 : (int) batchBytes.bytes(),
                maxRecordBytes == null ? 0 : (int) maxRecordBytes.bytes(), linger, maxInFlight == null ? 0 : maxInFlight, t, s,
                producer);
    }
}
