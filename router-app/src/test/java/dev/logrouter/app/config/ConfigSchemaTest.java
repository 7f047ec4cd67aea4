package dev.logrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The committed {@code config/logrouter.schema.json} is what {@link ConfigSchema} generates today, a
 * real JSON Schema validator accepts every config example the docs and {@code config/} ship (the
 * blocks {@link DocExamplesTest} finds), and it rejects what the loader rejects for its own reasons.
 */
class ConfigSchemaTest {

    static final String REGENERATE = "mvn -B -q package -DskipTests && router-app/target/logrouter schema > "
            + ConfigSchema.COMMITTED_PATH;

    private static final Map<String, String> ENV = Map.of(ConfigLoader.RUNTIME_DIR_VARIABLE, "/tmp/logrouter-schema",
            "HOME", "/home/user", "PORT", "5044");

    static Path committed() {
        return DocExamplesTest.repo().resolve(ConfigSchema.COMMITTED_PATH);
    }

    static Schema committedSchema() throws Exception {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
                .getSchema(Files.readString(committed()), InputFormat.JSON);
    }

    /** The validator's complaints about a YAML text, one line each; empty when it conforms. */
    static List<String> schemaErrors(Schema schema, String yaml) throws Exception {
        JsonNode doc = new YAMLMapper().readTree(yaml);
        if (doc == null || doc.isMissingNode()) {
            doc = new ObjectMapper().nullNode();
        }
        List<String> out = new ArrayList<>();
        for (Error e : schema.validate(doc)) {
            out.add(e.getInstanceLocation() + ": " + e.getMessage());
        }
        return out;
    }

    @Test
    void theCommittedSchemaIsTheGeneratedOne() throws Exception {
        assertThat(Files.exists(committed())).as(ConfigSchema.COMMITTED_PATH + " exists; create it with: " + REGENERATE)
                .isTrue();
        assertThat(Files.readString(committed()))
                .as(ConfigSchema.COMMITTED_PATH + " is out of date with the config records; regenerate it with: "
                        + REGENERATE)
                .isEqualTo(ConfigSchema.json());
    }

    @Test
    void theCommittedSchemaIsAValidDraft07Schema() throws Exception {
        // the validator ships the draft-07 meta-schema: nothing is fetched
        Schema meta = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
                .getSchema(SchemaLocation.of("http://json-schema.org/draft-07/schema#"));
        assertThat(meta.validate(Files.readString(committed()), InputFormat.JSON)).isEmpty();
        assertThat(meta.validate("{\"type\": 5, \"required\": \"type\"}", InputFormat.JSON))
                .extracting(e -> e.getInstanceLocation().toString()).contains("/type", "/required");
    }

    @Test
    void theSchemaKnowsEveryTopLevelKeyAndEveryComponentType() throws Exception {
        JsonNode schema = new ObjectMapper().readTree(ConfigSchema.json());
        List<String> top = new ArrayList<>();
        schema.get("properties").fieldNames().forEachRemaining(top::add);
        assertThat(new HashSet<>(top)).isEqualTo(ConfigLoader.TOP_KEYS);
        List<String> sourceTypes = new ArrayList<>();
        schema.at("/definitions/source/properties/type/enum").forEach(n -> sourceTypes.add(n.asText()));
        assertThat(sourceTypes).containsExactlyElementsOf(ComponentTypes.SOURCES.stream().map(SourceType::type).toList());
        List<String> sinkTypes = new ArrayList<>();
        schema.at("/definitions/sink/properties/type/enum").forEach(n -> sinkTypes.add(n.asText()));
        assertThat(sinkTypes).containsExactlyElementsOf(ComponentTypes.SINKS.stream().map(SinkType::type).toList());
        // a component's keys are its record's, snake_case, with the required ones required
        assertThat(schema.at("/definitions/sink.tcp/required").toString()).isEqualTo("[\"type\",\"endpoint\"]");
        assertThat(schema.at("/definitions/sink.tcp/properties/max_datagram").isMissingNode()).isTrue();
        assertThat(schema.at("/definitions/sink.udp/properties/max_datagram").isMissingNode()).isFalse();
    }

    @Test
    void everyShippedConfigAndDocExampleConformsToTheSchema() throws Exception {
        Schema schema = committedSchema();
        List<DocExamplesTest.Example> examples = DocExamplesTest.examples();
        assertThat(examples).hasSizeGreaterThan(5);
        List<String> failures = new ArrayList<>();
        for (DocExamplesTest.Example e : examples) {
            for (String problem : schemaErrors(schema, e.text())) {
                failures.add(e.where() + ": " + problem);
            }
        }
        assertThat(failures).as("config examples that " + ConfigSchema.COMMITTED_PATH + " refuses").isEmpty();
    }

    @Test
    void everyValueFormTheLoaderAcceptsConformsToo() throws Exception {
        String yaml = """
                journal: { max_lines: 100, max_bytes: 1.5MiB }
                sources:
                  app:
                    type: exec
                    command: /bin/true
                    restart: on-failure
                    backoff_min: 250ms
                    backoff_max: 2
                    max_line_bytes: 65536
                    level_prefix: no
                    env: { N: 1, FLAG: true }
                  net: { type: tcp, listen: "127.0.0.1:${PORT}", format: json-lines }
                  k: { type: kmsg, from: end, state_interval: 1.5s }
                sinks:
                  out:
                    type: tcp
                    endpoint: tcp://127.0.0.1:${PORT}/
                    batch_events: ${PORT}
                    include_cursor: true
                    extra_tags: { cluster: prod, zone: 3 }
                    buffer: { type: disk, path: /var/lib/x, max_bytes: 1GiB, when_full: block, sync: 0s }
                    transforms:
                      - parse: json
                      - rate_limit: { max: 10, interval: 1m, per: source }
                  con: { type: console, format: logread }
                routes:
                  - { from: app, service: "web*", level: warn, to: out }
                  - { from: [k, net], level: 3, to: [out, con], transforms: [ { hostname: true } ] }
                query: { mode: "0660", allow_uids: 0 }
                metrics: { listen: "127.0.0.1:9880" }
                """;
        new ConfigLoader(ENV).parse(yaml, "forms.yaml");
        assertThat(schemaErrors(committedSchema(), yaml)).isEmpty();
    }

    @Test
    void aMisspeltKeyAWrongTypeOrAnUnknownTypeFailTheSchemaAsTheyFailCheck() throws Exception {
        Schema schema = committedSchema();
        Map<String, String> broken = Map.of(
                "/sinks/out", """
                        sinks:
                          out: { type: tcp, endpont: "tcp://127.0.0.1:5044/" }
                        """,
                "/sinks/out/batch_events", """
                        sinks:
                          out: { type: tcp, endpoint: "tcp://127.0.0.1:5044/", batch_events: many }
                        """,
                "/sources/a/restart", """
                        sources:
                          a: { type: exec, command: [x], restart: maybe }
                        """,
                "/sources/a/type", """
                        sources:
                          a: { type: kafka }
                        """,
                "/sinks/out/buffer/when_full", """
                        sinks:
                          out: { type: console, buffer: { when_full: wait } }
                        """,
                "/routes/0/transforms/0", """
                        sources: { a: { type: kmsg } }
                        sinks: { out: { type: console } }
                        routes:
                          - { to: out, transforms: [ { parse: json, hostname: true } ] }
                        """,
                "/routes/0/level", """
                        sources: { a: { type: kmsg } }
                        sinks: { out: { type: console } }
                        routes:
                          - { to: out, level: loud }
                        """,
                "/journal/max_bytes", """
                        journal: { max_bytes: 8 megabytes }
                        """,
                "", """
                        source: { a: { type: kmsg } }
                        """);
        for (Map.Entry<String, String> b : broken.entrySet()) {
            assertThat(schemaErrors(schema, b.getValue())).as(b.getValue())
                    .anyMatch(problem -> problem.startsWith(b.getKey().isEmpty() ? ": " : b.getKey()));
            assertThatThrownBy(() -> new ConfigLoader(ENV).parse(b.getValue(), "broken.yaml"))
                    .as(b.getValue()).isInstanceOf(ConfigException.class);
        }
    }

    @Test
    void aMissingRequiredKeyFailsTheSchema() throws Exception {
        String yaml = """
                sinks:
                  out: { type: kafka, topic: logs }
                """;
        assertThat(schemaErrors(committedSchema(), yaml)).anyMatch(p -> p.contains("bootstrap_servers"));
        assertThatThrownBy(() -> new ConfigLoader(ENV).parse(yaml, "missing.yaml"))
                .hasMessageContaining("bootstrap_servers");
    }
}
