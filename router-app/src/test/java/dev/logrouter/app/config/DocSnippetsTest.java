package dev.logrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The whole-config YAML examples in the docs this change added must load as they are. */
class DocSnippetsTest {

    private final ConfigLoader loader = new ConfigLoader(Map.of("HOME", "/home/test", "LOGROUTER_RUNTIME_DIR", "/tmp/lr-test"));

    /** ```yaml blocks with a top-level {@code sinks:} key (Filebeat's own configs are left out). */
    static List<String> configBlocks(Path doc) throws Exception {
        List<String> blocks = new ArrayList<>();
        StringBuilder cur = null;
        for (String line : Files.readAllLines(doc, StandardCharsets.UTF_8)) {
            if (cur == null && line.equals("```yaml")) {
                cur = new StringBuilder();
            } else if (cur != null && line.equals("```")) {
                if (cur.toString().lines().anyMatch(l -> l.startsWith("sinks:"))) {
                    blocks.add(cur.toString());
                }
                cur = null;
            } else if (cur != null) {
                cur.append(line).append('\n');
            }
        }
        return blocks;
    }

    @Test
    void talosAndTransformExamplesAreValidConfigs() throws Exception {
        Path docs = Path.of(System.getProperty("user.dir")).resolveSibling("docs");
        int n = 0;
        for (String doc : List.of("talos.md", "configuration.md")) {
            for (String yaml : configBlocks(docs.resolve(doc))) {
                assertThat(loader.parse(yaml, doc)).as(doc + ":\n" + yaml).isNotNull();
                n++;
            }
        }
        assertThat(n).isGreaterThanOrEqualTo(2);
    }
}
