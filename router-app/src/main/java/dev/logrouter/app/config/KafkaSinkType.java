package dev.logrouter.app.config;

import dev.logrouter.core.sink.LogSink;
import dev.logrouter.sinks.kafka.KafkaSink;
import dev.logrouter.sinks.kafka.KafkaSinkSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code type: kafka}: one Kafka record per log record, through the official producer. */
@Doc(value = "One Kafka record per log record, delivered when the brokers acknowledge it.", see = "kafka.md")
public final class KafkaSinkType implements SinkType<KafkaSinkType.Config> {

    record Config(
            @Required @Doc("`host:port` of one broker or a list of them")
            List<String> bootstrapServers,
            @Default("logs-{service}")
            @Doc("topic name template: `{service}` and `{source}` are replaced by the record's service and source "
                    + "name. The result is made legal for Kafka: characters other than letters, digits, `.`, `_`, `-` "
                    + "become `_`, it is cut to 249 characters (`web app` → `logs-web_app`). A template without "
                    + "placeholders must already be a legal name")
            String topic,
            @Default("service")
            @Doc("the Kafka record key: `service` (records of one service go to one partition, so they stay in "
                    + "order), `source`, `none` (no key: the producer spreads records over partitions), or the name "
                    + "of a record field (records without the field have no key)")
            String key,
            @Block(inline = true, keys = {"format", "fields", "extra_tags", "host", "include_cursor", "facility"})
            EncodingConfig encoding,
            @Default("all")
            @Doc("`all`: a record is acknowledged once every in-sync replica has it, and the idempotent producer "
                    + "is on (no duplicates or reordering from the producer's own retries). `1`: the partition leader "
                    + "alone acknowledges (faster; a record is lost if the leader dies before a follower copied it; "
                    + "idempotence off)")
            String acks,
            @Default("zstd") @Doc("`zstd`, `lz4`, `gzip` or `none`, per producer batch")
            String compression,
            @Default("256KiB") @Doc("producer batch size per partition (at most `max_record_bytes`)")
            ByteSize batchBytes,
            @Default("1MiB")
            @Doc("largest encoded record sent (the producer's `max.request.size`). A larger record is refused by "
                    + "the producer before it is sent, counted as dropped and named in `last_error`. Set it at or "
                    + "below the brokers' `message.max.bytes` (and the topics' `max.message.bytes`)")
            ByteSize maxRecordBytes,
            @Default("20ms") @Doc("longest a record waits for its batch to fill")
            Duration linger,
            @Default("10000") @Doc("most records taken from the sink's buffer and not yet acknowledged or dropped")
            Integer maxInFlight,
            @Block(keys = {"ca", "cert", "key", "verify_hostname"}) @Doc(value = "TLS to the brokers", absent = "plain")
            TlsConfig tls,
            @Doc(value = "SASL authentication", absent = "none")
            Sasl sasl,
            @Doc(value = "any other producer setting by its Kafka name, e.g. `{ delivery.timeout.ms: \"300000\" }`; "
                    + "names and values are checked against the producer's own when the config is loaded. The "
                    + "settings above must be set with the sink's own keys", absent = "none")
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
            if (bootstrapServers != null && encoding != null) {
                // every other check, once, at load time (fields are not assigned yet: pass the values)
                spec("check", bootstrapServers, topic, key, encoding, acks, compression, batchBytes, maxRecordBytes,
                        linger, maxInFlight, tls, sasl, producer);
            }
        }
    }

    record Sasl(
            @Default("PLAIN")
            @Doc("`PLAIN`, `SCRAM-SHA-256` or `SCRAM-SHA-512` (`security.protocol` becomes `SASL_SSL` with a `tls` "
                    + "block, else `SASL_PLAINTEXT`)")
            String mechanism,
            @Required @Doc("user name")
            String username,
            @Required @Doc("password")
            String password) {
    }

    @Override
    public String type() {
        return "kafka";
    }

    @Override
    public LogSink create(String name, Config c, RouterEnv env) {
        return new KafkaSink(spec(name, c.bootstrapServers(), c.topic(), c.key(), c.encoding(), c.acks(),
                c.compression(), c.batchBytes(), c.maxRecordBytes(), c.linger(), c.maxInFlight(), c.tls(), c.sasl(),
                c.producer()));
    }

    private static KafkaSinkSpec spec(String name, List<String> bootstrapServers, String topic, String key,
                                      EncodingConfig encoding, String acks, String compression, ByteSize batchBytes,
                                      ByteSize maxRecordBytes, Duration linger, Integer maxInFlight, TlsConfig tls,
                                      Sasl sasl, Map<String, String> producer) {
        KafkaSinkSpec.Tls t = tls == null ? null
                : new KafkaSinkSpec.Tls(tls.ca(), tls.cert(), tls.key(), tls.verifyHostname());
        KafkaSinkSpec.Sasl s = sasl == null ? null : new KafkaSinkSpec.Sasl(sasl.mechanism(), sasl.username(),
                sasl.password());
        return new KafkaSinkSpec(name, bootstrapServers, topic, key, encoding.spec(), acks, compression,
                (int) batchBytes.bytes(), (int) maxRecordBytes.bytes(), linger, maxInFlight, t, s, producer);
    }
}
