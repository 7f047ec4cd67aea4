package dev.logrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Fuzzes the config loader with arbitrary YAML text: it must return a config or throw
 * {@link ConfigException} with at least one located problem, never anything else. Regression mode
 * (every build) runs the corpus in {@code ConfigLoaderFuzzTestInputs/parse}; {@code JAZZER_FUZZ=1}
 * fuzzes (see docs/reliability.md).
 */
class ConfigLoaderFuzzTest {

    /** A runtime dir that is never created: loading a config must not touch the file system. */
    private static final ConfigLoader LOADER = new ConfigLoader(Map.of(
            ConfigLoader.RUNTIME_DIR_VARIABLE, "/nonexistent/logrouter-fuzz",
            "FUZZ_VAR", "value"));

    @FuzzTest(maxDuration = "90s")
    void parse(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        RouterConfig config;
        try {
            config = LOADER.parse(text, "fuzz.yaml");
        } catch (ConfigException e) {
            assertThat(e.file()).isEqualTo("fuzz.yaml");
            assertThat(e.problems()).as("a refused config says why").isNotEmpty();
            // every character YAML may take for a line break (an upper bound: CR LF counts twice)
            long lines = text.chars().filter(c -> c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029)
                    .count() + 1;
            for (ConfigProblem p : e.problems()) {
                assertThat(p.message()).isNotBlank();
                assertThat(p.position().line()).isBetween(1, (int) Math.min(Integer.MAX_VALUE, lines + 1));
                assertThat(p.position().column()).isPositive();
                assertThat(p.format("fuzz.yaml")).startsWith("fuzz.yaml:" + p.position().line() + ":");
            }
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(config).as("no exception means a config").isNotNull();
        assertThat(config.file()).isEqualTo("fuzz.yaml");
        assertThat(config.journal()).isNotNull();
        assertThat(config.query()).isNotNull();
        assertThat(config.query().socket()).isNotNull();
        assertThat(config.sources()).isNotNull();
        assertThat(config.sinks()).isNotNull();
        assertThat(config.routes()).isNotNull();
    }
}
