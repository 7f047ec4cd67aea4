package dev.logrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.JournalSpec;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.sink.WhenFull;
import dev.logrouter.sinks.kafka.KafkaSink;
import dev.logrouter.sinks.kafka.KafkaSinkSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSinkTypeTest {

    @TempDir
    Path dir;

    private RouterConfig parse(String yaml) throws ConfigException {
        return new ConfigLoader(Map.of(ConfigLoader.RUNTIME_DIR_VARIABLE, dir.toString())).parse(yaml, "t.yaml");
    }

    @Test
    void everyKeyBindsIntoTheSpec() throws Exception {
        RouterConfig c = parse("""
                sinks:
                  kafka:
                    type: kafka
                    bootstrap_servers: [ "10.0.0.1:9092", "10.0.0.2:9092" ]
                    topic: "logs-{source}-{service}"
                    key: pod
                    format: json_lines
                    fields: ecs
                    extra_tags: { cluster: prod }
                    host: node-1
                    acks: "1"
                    compression: lz4
                    batch_bytes: 512KiB
                    max_record_bytes: 2MiB
                    linger: 50ms
                    max_in_flight: 2000
                    sasl: { mechanism: SCRAM-SHA-512, username: router, password: "s3cr\\"et" }
                    producer: { request.timeout.ms: "15000", client.dns.lookup: use_all_dns_ips }
                    buffer: { max_events: 50000, when_full: block }
                routes:
                  - to: [kafka]
                """);
        try (Journal j = Journal.create(new JournalSpec(5000, 8L << 20))) {
            LogSink sink = c.sinks().get(0).create(new RouterEnv(dir, j));
            assertThat(sink).isInstanceOf(KafkaSink.class);
            assertThat(sink.type()).isEqualTo("kafka");
            KafkaSinkSpec s = ((KafkaSink) sink).spec();
            assertThat(s.bootstrapServers()).containsExactly("10.0.0.1:9092", "10.0.0.2:9092");
            assertThat(s.topic()).isEqualTo("logs-{source}-{service}");
            assertThat(s.key()).isEqualTo("pod");
            assertThat(s.encoder().extraTags()).containsEntry("cluster", "prod");
            assertThat(s.batchBytes()).isEqualTo(512 * 1024);
            assertThat(s.maxInFlight()).isEqualTo(2000);
            Map<String, Object> p = s.producerSettings();
            assertThat(p).containsEntry("bootstrap.servers", "10.0.0.1:9092,10.0.0.2:9092")
                    .containsEntry("acks", "1").containsEntry("enable.idempotence", "false")
                    .containsEntry("compression.type", "lz4").containsEntry("batch.size", "524288")
                    .containsEntry("linger.ms", "50").containsEntry("max.request.size", "2097152").containsEntry("request.timeout.ms", "15000")
                    .containsEntry("security.protocol", "SASL_PLAINTEXT")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
            assertThat((String) p.get("sasl.jaas.config")).contains("ScramLoginModule")
                    .contains("username=\"router\"").contains("password=\"s3cr\\\"et\"");
            assertThat(c.sinks().get(0).buffer().whenFull()).isEqualTo(WhenFull.BLOCK);
        }
    }

    @Test
    void defaultsAreAcksAllIdempotentZstdKeyedByService() throws Exception {
        RouterConfig c = parse("""
                sinks:
                  k: { type: kafka, bootstrap_servers: "127.0.0.1:9092" }
                routes:
                  - to: [k]
                """);
        try (Journal j = Journal.create(new JournalSpec(5000, 8L << 20))) {
            KafkaSinkSpec s = ((KafkaSink) c.sinks().get(0).create(new RouterEnv(dir, j))).spec();
            assertThat(s.topic()).isEqualTo("logs-{service}");
            assertThat(s.key()).isEqualTo("service");
            assertThat(s.producerSettings()).containsEntry("acks", "all").containsEntry("enable.idempotence", "true")
                    .containsEntry("compression.type", "zstd").doesNotContainKey("security.protocol");
        }
    }

    @Test
    void badKeysAreRejectedAtLoadWithTheReason() {
        for (List<String> bad : List.of(
                List.of("bootstrap_servers: nohost", "host:port"),
                List.of("bootstrap_servers: \"h:9092\", topic: \"logs-{pod}\"", "{pod}"),
                List.of("bootstrap_servers: \"h:9092\", topic: \"logs/all\"", "legal Kafka topic"),
                List.of("bootstrap_servers: \"h:9092\", acks: \"0\"", "acks"),
                List.of("bootstrap_servers: \"h:9092\", compression: brotli", "compression"),
                List.of("bootstrap_servers: \"h:9092\", producer: { no.such.setting: x }", "no.such.setting"),
                List.of("bootstrap_servers: \"h:9092\", producer: { acks: all }", "set acks with acks"),
                List.of("bootstrap_servers: \"h:9092\", producer: { max.request.size: \"5\" }", "max_record_bytes"),
                List.of("bootstrap_servers: \"h:9092\", producer: { request.timeout.ms: soon }", "request.timeout.ms"),
                List.of("bootstrap_servers: \"h:9092\", acks: \"1\", producer: { enable.idempotence: \"true\" }",
                        "enable.idempotence"),
                List.of("bootstrap_servers: \"h:9092\", sasl: { mechanism: GSSAPI, username: u, password: p }",
                        "PLAIN"),
                List.of("bootstrap_servers: \"h:9092\", tls: { cert: /c.pem }", "cert and key"))) {
            assertThatThrownBy(() -> parse("""
                    sinks:
                      k: { type: kafka, %s }
                    routes:
                      - to: [k]
                    """.formatted(bad.get(0)))).as(bad.get(0)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(bad.get(1));
        }
    }
}
