package dev.logrouter.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.app.config.ConfigException;
import dev.logrouter.app.config.ConfigLoader;
import dev.logrouter.app.config.RouterConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckHintsTest {

    private final ConfigLoader loader = new ConfigLoader(Map.of("HOME", "/home/test", "LOGROUTER_RUNTIME_DIR", "/tmp/lr-test"));

    @Test
    void aMistypedKeyGetsTheKeyItProbablyMeant() {
        try {
            loader.parse("""
                    sinks:
                      fb: { type: tcp, endpont: "tcp://127.0.0.1:5044/" }
                    """, "f.yaml");
            throw new AssertionError("expected errors");
        } catch (ConfigException e) {
            assertThat(e.problems().stream().map(p -> p.format("f.yaml")))
                    .anyMatch(l -> l.startsWith("f.yaml:2:20: sinks.fb.endpont: unknown key 'endpont'; did you mean 'endpoint'? (allowed:"));
        }
    }

    @Test
    void unfedSinksAndUnroutedSourcesAreWarnings() throws Exception {
        RouterConfig c = loader.parse("""
                sources:
                  a: { type: exec, command: [a] }
                  b: { type: exec, command: [b] }
                sinks:
                  used: { type: console }
                  spare: { type: console }
                routes:
                  - { from: [a], to: [used] }
                """, "f.yaml");
        assertThat(CheckCommand.warnings(c)).containsExactly(
                "sink 'spare' is not fed by any route",
                "source 'b' is not taken by any route (its records only enter the journal)");
        RouterConfig all = loader.parse("""
                sources:
                  a: { type: exec, command: [a] }
                sinks:
                  used: { type: console }
                routes:
                  - { to: [used] }
                """, "f.yaml");
        assertThat(CheckCommand.warnings(all)).isEmpty();
    }

    @Test
    void twoSocketsOnOnePathAreAnErrorAtTheSecond() {
        try {
            loader.parse("""
                    sources:
                      a: { type: fd_socket, path: /tmp/lr-test/x.sock }
                      b: { type: syslog, path: /tmp/lr-test/x.sock }
                    query: { socket: /tmp/lr-test/x.sock }
                    """, "f.yaml");
            throw new AssertionError("expected errors");
        } catch (ConfigException e) {
            assertThat(e.problems().stream().map(p -> p.format("f.yaml"))).containsExactly(
                    "f.yaml:3:28: sources.b.path: socket path /tmp/lr-test/x.sock is already used by sources.a.path",
                    "f.yaml:4:18: query.socket: socket path /tmp/lr-test/x.sock is already used by sources.a.path");
        }
    }

    @Test
    void badGlobsAndRegexesNameThePositionInsideThePatternAtTheValue() {
        try {
            loader.parse("""
                    sinks:
                      out: { type: console }
                    routes:
                      - { service: "web[ab", to: [out] }
                      - { message: "ab[z-a]c", to: [out] }
                      - to: [out]
                        message: "(x"
                      - { message: "*ab", to: [out] }
                    """, "f.yaml");
            throw new AssertionError("expected errors");
        } catch (ConfigException e) {
            assertThat(e.problems().stream().map(p -> p.format("f.yaml"))).containsExactly(
                    "f.yaml:4:16: routes[0].service: unclosed '[' at position 4 in glob \"web[ab\"",
                    "f.yaml:5:16: routes[1].message: illegal character range at position 6 in regex \"ab[z-a]c\"",
                    "f.yaml:7:14: routes[2].message: unclosed group at the end of regex \"(x\"",
                    "f.yaml:8:16: routes[3].message: dangling meta character '*' at position 1 in regex \"*ab\"");
        }
    }
}
