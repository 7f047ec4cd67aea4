package dev.logrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reference tables in docs/configuration.md are what {@link ConfigReference} generates from the
 * config records today, so the docs cannot drift from the keys and defaults the binder uses. With
 * {@code -Dlogrouter.regenerate-docs=true} the test rewrites them instead of failing.
 */
class ConfigReferenceTest {

    static final String REGENERATE = "mvn -B -q -o -pl router-app -am test -Dtest=ConfigReferenceTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dlogrouter.regenerate-docs=true";

    static Path committed() {
        return DocExamplesTest.repo().resolve(ConfigReference.COMMITTED_PATH);
    }

    @Test
    void theCommittedReferenceTablesAreTheGeneratedOnes() throws Exception {
        String doc = Files.readString(committed());
        String generated = ConfigReference.regenerate(doc);
        if (Boolean.getBoolean("logrouter.regenerate-docs") && !generated.equals(doc)) {
            Files.writeString(committed(), generated);
            doc = generated;
        }
        assertThat(doc).as(ConfigReference.COMMITTED_PATH + " is out of date with the config records; regenerate "
                + "its tables with: " + REGENERATE).isEqualTo(generated);
    }

    @Test
    void everyTypeHasATableWithEveryKeyTheBinderTakes() {
        String sources = ConfigReference.section("sources");
        String sinks = ConfigReference.section("sinks");
        for (SourceType<?> t : ComponentTypes.SOURCES) {
            assertThat(sources).contains("\n### `" + t.type() + "`\n");
            String table = tableOf(sources, t.type());
            for (String key : ConfigBinder.keysOf(t.configClass(), null)) {
                assertThat(table).as(t.type()).contains("\n| `" + key + "` | ");
            }
        }
        for (SinkType<?> t : ComponentTypes.SINKS) {
            String table = tableOf(sinks, t.type());
            for (String key : ConfigBinder.keysOf(t.configClass(), null)) {
                assertThat(table).as(t.type()).contains("\n| `" + key + "` | ");
            }
        }
    }

    @Test
    void aDefaultInTheTableIsTheValueTheBinderGives() throws Exception {
        String sinks = ConfigReference.section("sinks");
        assertThat(tableOf(sinks, "tcp")).contains("| `batch_events` | `1024` |", "| `format` | `json_lines` |",
                "| `backoff_min` | `100ms` |", "| `tls.verify` | `true` |", "| `endpoint` | required |")
                .doesNotContain("verify_hostname", "max_datagram");
        assertThat(tableOf(sinks, "file")).contains("| `format` | `text` |", "| `rotate.keep` | `5` |");
        assertThat(tableOf(sinks, "console")).contains("| `format` | `text` |").doesNotContain("| `fields`");
        assertThat(tableOf(sinks, "udp")).doesNotContain("| `framing`");
        assertThat(tableOf(ConfigReference.section("sources"), "exec")).contains("| `backoff_min` | `500ms` |");

        RouterConfig c = new ConfigLoader(java.util.Map.of(ConfigLoader.RUNTIME_DIR_VARIABLE, "/tmp/lr-ref"))
                .parse("""
                        sources:
                          x: { type: exec, command: [true] }
                        sinks:
                          t: { type: tcp, endpoint: "tcp://127.0.0.1:5044/", tls: {} }
                          f: { type: file, path: "/tmp/lr-ref/{service}.log", rotate: { max_bytes: 1MiB } }
                        routes: [ { to: [t, f] } ]
                        """, "t.yaml");
        TcpSinkType.Config tcp = (TcpSinkType.Config) c.sinks().get(0).config();
        assertThat(tcp.batchEvents()).isEqualTo(1024);
        assertThat(tcp.backoff().backoffMin()).hasMillis(100);
        assertThat(tcp.encoding().format()).isEqualTo(dev.logrouter.sinks.encode.Format.JSON_LINES);
        assertThat(tcp.tls().verify()).isTrue();
        FileSinkType.Config file = (FileSinkType.Config) c.sinks().get(1).config();
        assertThat(file.encoding().format()).isEqualTo(dev.logrouter.sinks.encode.Format.TEXT);
        assertThat(file.rotate().keep()).isEqualTo(5);
        ExecSourceType.Config exec = (ExecSourceType.Config) c.sources().get(0).config();
        assertThat(exec.backoff().backoffMin()).hasMillis(500);
    }

    @Test
    void aDocumentWithoutTheMarkersIsRefused() {
        assertThatThrownBy(() -> ConfigReference.regenerate("# no markers\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BEGIN GENERATED blocks");
    }

    /** The rows of one type's table in a generated section. */
    private static String tableOf(String section, String type) {
        int at = section.indexOf("\n### `" + type + "`\n");
        assertThat(at).as("table of " + type).isNotNegative();
        int next = section.indexOf("\n### ", at + 1);
        List<String> rows = new ArrayList<>();
        for (String line : section.substring(at, next < 0 ? section.length() : next).split("\n")) {
            if (line.startsWith("| `")) {
                rows.add(line);
            }
        }
        return "\n" + String.join("\n", rows) + "\n";
    }
}
