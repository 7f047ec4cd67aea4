package dev.logrouter.sinks.kafka;

import dev.logrouter.sinks.encode.EncoderSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Settings of one Kafka sink. Every setting but {@code tls}, {@code sasl} and {@code producer} is
 * given: the defaults are the config's (docs/configuration.md).
 *
 * @param name             sink name
 * @param bootstrapServers {@code host:port} of one or more brokers
 * @param topic            topic template with {@code {service}} / {@code {source}}, sanitised to
 *                         Kafka's topic rules
 * @param key              record key: {@code service} (one service stays ordered in one partition),
 *                         {@code source}, {@code none}, or the name of a record field
 * @param encoder          value format, without a trailing newline
 * @param acks             {@code all} (the idempotent producer is on) or {@code 1}
 * @param compression      {@code zstd}, {@code lz4}, {@code gzip}, {@code none}
 * @param batchBytes       producer batch size per partition (at most {@code maxRecordBytes})
 * @param maxRecordBytes   largest encoded record sent (the producer's {@code max.request.size}); a
 *                         larger one is refused by the producer before
 *                         it is sent and counted as dropped. Keep it at or below the brokers'
 *                         {@code message.max.bytes}: a record the broker refuses instead can hold up
 *                         its partition until {@code delivery.timeout.ms}
 * @param linger           longest a record waits for its batch to fill
 * @param maxInFlight      most records taken from the sink buffer and not yet acknowledged; the sink
 *                         requests more only as acks come back
 * @param tls              TLS to the brokers, or null
 * @param sasl             SASL authentication, or null
 * @param producer         more producer settings by their Kafka names, checked against
 *                         {@link ProducerConfig#configNames()}
 */
public record KafkaSinkSpec(String name, List<String> bootstrapServers, String topic, String key, EncoderSpec encoder,
                            String acks, String compression, int batchBytes, int maxRecordBytes, Duration linger,
                            int maxInFlight,
                            Tls tls, Sasl sasl, Map<String, String> producer) {

    /** Producer settings the sink sets from its own keys; {@code producer:} may not repeat them. */
    private static final Map<String, String> OWN_KEYS = Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "bootstrap_servers",
            ProducerConfig.ACKS_CONFIG, "acks",
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "compression",
            ProducerConfig.BATCH_SIZE_CONFIG, "batch_bytes",
            ProducerConfig.LINGER_MS_CONFIG, "linger",
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "max_record_bytes",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "the sink (keys are bytes)",
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "the sink (values are the encoded record)");

    private static final Set<String> COMPRESSIONS = Set.of("zstd", "lz4", "gzip", "none");

    /**
     * TLS to the brokers.
     *
     * @param caFile         PEM CA certificates that sign the brokers' certificates; null means the
     *                       JDK's default trust store
     * @param certFile       PEM client certificate chain (mutual TLS), or null
     * @param keyFile        PEM PKCS#8 unencrypted private key of {@code certFile}, or null
     * @param verifyHostname check that a broker's certificate names the host dialled
     */
    public record Tls(Path caFile, Path certFile, Path keyFile, boolean verifyHostname) {
        public Tls {
            if ((certFile == null) != (keyFile == null)) {
                throw new IllegalArgumentException("tls cert and key must be given together");
            }
        }
    }

    /**
     * SASL authentication.
     *
     * @param mechanism {@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}
     * @param username  user name
     * @param password  password
     */
    public record Sasl(String mechanism, String username, String password) {
        public Sasl {
            Objects.requireNonNull(username, "sasl username");
            Objects.requireNonNull(password, "sasl password");
            mechanism = Objects.requireNonNull(mechanism, "sasl mechanism").toUpperCase(Locale.ROOT);
            if (!Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512").contains(mechanism)) {
                throw new IllegalArgumentException("sasl mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, not "
                        + mechanism);
            }
        }

        @Override
        public String toString() {
            return "Sasl[mechanism=" + mechanism + ", username=" + username + ", password=***]";
        }
    }

    public KafkaSinkSpec {
        Objects.requireNonNull(name, "name");
        if (bootstrapServers == null || bootstrapServers.isEmpty()) {
            throw new IllegalArgumentException("bootstrap_servers must name at least one broker");
        }
        bootstrapServers = List.copyOf(bootstrapServers);
        for (String s : bootstrapServers) {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || colon == s.length() - 1 || !s.substring(colon + 1).chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("bootstrap_servers: '" + s + "' is not host:port");
            }
        }
        Objects.requireNonNull(topic, "topic");
        new TopicTemplate(topic); // validates
        Objects.requireNonNull(key, "key");
        if (key.isBlank()) {
            throw new IllegalArgumentException("key must be service, source, none or a field name");
        }
        Objects.requireNonNull(encoder, "encoder");
        acks = Objects.requireNonNull(acks, "acks").toLowerCase(Locale.ROOT);
        if (acks.equals("-1")) {
            acks = "all";
        }
        if (!acks.equals("all") && !acks.equals("1")) {
            throw new IllegalArgumentException("acks must be all or 1 (delivery is counted from acknowledgements), not "
                    + acks);
        }
        compression = Objects.requireNonNull(compression, "compression").toLowerCase(Locale.ROOT);
        if (!COMPRESSIONS.contains(compression)) {
            throw new IllegalArgumentException("compression must be zstd, lz4, gzip or none, not " + compression);
        }
        if (maxRecordBytes < 1 || batchBytes < 1) {
            throw new IllegalArgumentException("max_record_bytes and batch_bytes must be at least 1 byte");
        }
        batchBytes = Math.min(maxRecordBytes, batchBytes);
        Objects.requireNonNull(linger, "linger");
        if (linger.isNegative()) {
            throw new IllegalArgumentException("linger must not be negative");
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("max_in_flight must be at least 1, was " + maxInFlight);
        }
        producer = producer == null ? Map.of() : Map.copyOf(producer);
        for (String k : producer.keySet()) {
            if (OWN_KEYS.containsKey(k)) {
                throw new IllegalArgumentException("producer: set " + k + " with " + OWN_KEYS.get(k) + ", not here");
            }
            if (!ProducerConfig.configNames().contains(k)) {
                throw new IllegalArgumentException("producer: unknown Kafka producer setting '" + k + "'");
            }
        }
        if (!acks.equals("all") && "true".equalsIgnoreCase(producer.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG))) {
            throw new IllegalArgumentException("producer: enable.idempotence needs acks: all");
        }
        try {
            ProducerConfig.configDef().parse(settings(name, bootstrapServers, acks, compression, batchBytes,
                    maxRecordBytes, linger, null, sasl, producer));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("producer: " + e.getMessage(), e);
        }
    }

    /**
     * The producer's settings.
     *
     * @throws IllegalArgumentException when a TLS file cannot be read
     */
    public Map<String, Object> producerSettings() {
        return settings(name, bootstrapServers, acks, compression, batchBytes, maxRecordBytes, linger, tls, sasl,
                producer);
    }

    private static Map<String, Object> settings(String name, List<String> servers, String acks, String compression,
                                                int batchBytes, int maxRecordBytes, Duration linger, Tls tls,
                                                Sasl sasl,
                                                Map<String, String> extra) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", servers));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "logrouter-" + name);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.ACKS_CONFIG, acks);
        // Idempotence keeps each partition's records in order and free of duplicates across the
        // producer's own retries; Kafka allows it only with acks=all.
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.toString(acks.equals("all")));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(batchBytes));
        p.put(ProducerConfig.LINGER_MS_CONFIG, Long.toString(linger.toMillis()));
        // The producer refuses a larger record before giving it a sequence number, so it never
        // reaches a broker and never disturbs the idempotent sequence of its partition.
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(maxRecordBytes));
        // send() runs on the sink's own thread and may wait this long for a topic's metadata while
        // brokers are unreachable; the sink then retries the record, it does not drop it.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        if (tls != null || sasl != null) {
            p.put("security.protocol", (sasl != null ? "SASL_" : "") + (tls != null ? "SSL" : "PLAINTEXT"));
        }
        if (tls != null) {
            if (tls.caFile() != null) {
                p.put("ssl.truststore.type", "PEM");
                p.put("ssl.truststore.certificates", read(tls.caFile(), "tls ca"));
            }
            if (tls.certFile() != null) {
                p.put("ssl.keystore.type", "PEM");
                p.put("ssl.keystore.certificate.chain", read(tls.certFile(), "tls cert"));
                p.put("ssl.keystore.key", read(tls.keyFile(), "tls key"));
            }
            if (!tls.verifyHostname()) {
                p.put("ssl.endpoint.identification.algorithm", "");
            }
        }
        if (sasl != null) {
            p.put("sasl.mechanism", sasl.mechanism());
            String module = sasl.mechanism().equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            p.put("sasl.jaas.config", module + " required username=\"" + jaasQuote(sasl.username()) + "\" password=\""
                    + jaasQuote(sasl.password()) + "\";");
        }
        p.putAll(extra);
        return p;
    }

    private static String jaasQuote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String read(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(what + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
