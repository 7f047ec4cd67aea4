package dev.logrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logrouter.core.exec.RestartPolicy;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.sink.WhenFull;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    private final ConfigLoader loader = new ConfigLoader(Map.of("HOME", "/home/test", "LOGROUTER_RUNTIME_DIR", "/tmp/lr-test"));

    private List<String> errors(String yaml) {
        try {
            loader.parse(yaml, "f.yaml");
        } catch (ConfigException e) {
            return e.problems().stream().map(p -> p.format("f.yaml")).toList();
        }
        throw new AssertionError("expected config errors for:\n" + yaml);
    }

    @Test
    void builtInDefaultIsExactlyTheShippedConfigFile() throws Exception {
        Path shipped = Path.of(System.getProperty("user.dir")).resolveSibling("config").resolve("logrouter.yaml");
        assertThat(ConfigLoader.defaultConfigText()).isEqualTo(Files.readString(shipped, StandardCharsets.UTF_8));
        RouterConfig c = loader.loadDefault();
        assertThat(c.file()).isEqualTo(ConfigLoader.BUILTIN);
        assertThat(c.runtimeDir()).isEqualTo(Path.of("/tmp/lr-test"));
        assertThat(c.query().socket()).isEqualTo(Path.of("/tmp/lr-test/query.sock"));
    }

    @Test
    void everyShippedConfigIsValid() throws Exception {
        try (var files = Files.list(Path.of(System.getProperty("user.dir")).resolveSibling("config"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                assertThat(loader.load(f)).as(f.toString()).isNotNull();
            }
        }
    }

    @Test
    void bindsAFullConfig() throws Exception {
        RouterConfig c = loader.parse("""
                journal: { max_lines: 100, max_bytes: 1MiB }
                sources:
                  web: { type: exec, command: [nginx, -g, "daemon off;"], restart: on-failure, backoff_min: 250ms,
                         env: { A: "1" }, max_line_bytes: 8KiB, level_prefix: false }
                sinks:
                  out: { type: console, buffer: { max_events: 10, when_full: drop_newest } }
                routes:
                  - { from: [web], service: "web*", stream: stderr, level: warn, message: "ti(me)?out", to: [out] }
                  - { to: out }
                query: { socket: /tmp/q.sock, mode: "0600", allow_uids: [0, 1000] }
                metrics: { listen: "127.0.0.1:9880" }
                """, "full.yaml");
        assertThat(c.journal().maxLines()).isEqualTo(100);
        assertThat(c.journal().maxBytes()).isEqualTo(1 << 20);
        ExecSourceType.Config web = (ExecSourceType.Config) c.sources().get(0).config();
        assertThat(web.command()).containsExactly("nginx", "-g", "daemon off;");
        assertThat(web.restart()).isEqualTo(RestartPolicy.ON_FAILURE);
        assertThat(web.backoff().backoffMin()).isEqualTo(Duration.ofMillis(250));
        assertThat(web.maxLineBytes().bytes()).isEqualTo(8192);
        assertThat(web.env()).containsEntry("A", "1");
        assertThat(web.levelPrefix()).isFalse();
        assertThat(c.sinks().get(0).buffer().maxEvents()).isEqualTo(10);
        assertThat(c.sinks().get(0).buffer().whenFull()).isEqualTo(WhenFull.DROP_NEWEST);
        assertThat(c.routes()).hasSize(2);
        assertThat(c.routes().get(0).level()).isEqualTo(Level.WARNING);
        assertThat(c.routes().get(1).to()).containsExactly("out");
        assertThat(c.query().mode()).isEqualTo("0600");
        assertThat(c.query().allowUids()).containsExactly(0, 1000);
        assertThat(c.metrics().listen()).isEqualTo("127.0.0.1:9880");
    }

    @Test
    void stateDirIsDefinedAndFollowsSystemdsStateDirectory() throws Exception {
        String text = "sources:\n  k: { type: kmsg, state_file: \"${LOGROUTER_STATE_DIR}/kmsg.state\" }\n";
        KmsgSourceType.Config plain = (KmsgSourceType.Config) loader.parse(text, "s.yaml").sources().get(0).config();
        assertThat(plain.stateFile()).isEqualTo(Path.of("/tmp/lr-test/kmsg.state"));
        ConfigLoader systemd = new ConfigLoader(Map.of("LOGROUTER_RUNTIME_DIR", "/run/logrouter",
                "STATE_DIRECTORY", "/var/lib/logrouter"));
        KmsgSourceType.Config unit = (KmsgSourceType.Config) systemd.parse(text, "s.yaml").sources().get(0).config();
        assertThat(unit.stateFile()).isEqualTo(Path.of("/var/lib/logrouter/kmsg.state"));
        ConfigLoader explicit = new ConfigLoader(Map.of("LOGROUTER_STATE_DIR", "/srv/state",
                "STATE_DIRECTORY", "/var/lib/logrouter"));
        assertThat(((KmsgSourceType.Config) explicit.parse(text, "s.yaml").sources().get(0).config()).stateFile())
                .isEqualTo(Path.of("/srv/state/kmsg.state"));
    }

    @Test
    void anUnquotedBraceInAFlowMappingSaysToQuote() {
        assertThat(errors("sinks:\n  out: { type: file, path: /var/log/{service}.log }\n")).singleElement()
                .asString().startsWith("f.yaml:2:").contains("YAML syntax: while parsing a flow mapping")
                .contains("quote values containing '{'");
    }

    @Test
    void substitutesEnvironmentVariables() throws Exception {
        RouterConfig c = loader.parse("""
                sources:
                  a: { type: exec, command: ["${HOME}/bin/app", "${MISSING:-fallback}", "$${HOME}"] }
                query: { socket: "${LOGROUTER_RUNTIME_DIR}/q.sock" }
                """, "env.yaml");
        ExecSourceType.Config a = (ExecSourceType.Config) c.sources().get(0).config();
        assertThat(a.command()).containsExactly("/home/test/bin/app", "fallback", "${HOME}");
        assertThat(c.query().socket()).isEqualTo(Path.of("/tmp/lr-test/q.sock"));
        assertThat(errors("sources: { a: { type: exec, command: [\"${NOPE}\"] } }"))
                .containsExactly("f.yaml:1:39: sources.a.command[0]: environment variable 'NOPE' is not set "
                        + "(write ${NOPE:-default} to give a default)");
    }

    @Test
    void yamlSyntaxErrorHasItsPosition() {
        assertThat(errors("sources:\n  a: { type: exec\n")).singleElement().asString()
                .startsWith("f.yaml:2:").contains("YAML syntax: while parsing a flow mapping");
    }

    @Test
    void unknownKeysAreErrorsWithTheirPosition() {
        assertThat(errors("""
                journal:
                  max_lines: 10
                  colour: red
                extra: 1
                """)).containsExactly(
                "f.yaml:3:3: journal.colour: unknown key 'colour' (allowed: max_lines, max_bytes)",
                "f.yaml:4:1: extra: unknown key 'extra' (allowed: journal, sources, sinks, routes, query, metrics)");
    }

    @Test
    void wrongTypesMissingValuesAndBadReferencesAreAllReported() {
        assertThat(errors("""
                journal: { max_lines: many, max_bytes: 12XB }
                sources:
                  e: { type: exec }
                  w: { type: exec, command: sh, restart: sometimes }
                  n: { type: nosuch }
                  "bad/name": { type: exec, command: [x] }
                sinks:
                  out: { type: console, buffer: { when_full: explode, max_events: 0 } }
                routes:
                  - { from: [w, ghost], to: [out, nowhere] }
                  - { message: "(", to: [out] }
                  - { level: loud, to: [out] }
                  - { from: [w] }
                """)).containsExactly(
                "f.yaml:1:23: journal.max_lines: expected a whole number, found 'many'",
                "f.yaml:1:40: journal.max_bytes: unknown size unit 'XB' in '12XB' (use B, KiB, MiB or GiB)",
                "f.yaml:3:6: sources.e: missing required key 'command'",
                "f.yaml:4:42: sources.w.restart: unknown value 'sometimes' (use never, on_failure, always)",
                "f.yaml:5:14: sources.n.type: unknown source type 'nosuch' (one of " + sourceTypes() + ")",
                "f.yaml:6:3: sources.bad/name: invalid name 'bad/name' (letters, digits, '_', '.', '-'; at most 64 characters)",
                "f.yaml:8:46: sinks.out.buffer.when_full: unknown value 'explode' (use drop_oldest, drop_newest, block)",
                "f.yaml:10:17: routes[0].from: unknown source 'ghost' (defined: e, w, n, bad/name)",
                "f.yaml:10:35: routes[0].to: unknown sink 'nowhere' (defined: out)",
                "f.yaml:11:16: routes[1].message: unclosed group at the end of regex \"(\"",
                "f.yaml:12:14: routes[2].level: unknown level 'loud' (use emerg, alert, crit, err, warning, notice, info or debug)",
                "f.yaml:13:5: routes[3]: missing required key 'to'");
    }

    private static String sourceTypes() {
        return ComponentTypes.SOURCES.stream().map(SourceType::type).sorted().collect(java.util.stream.Collectors.joining(", "));
    }

    @Test
    void compactConstructorRulesAreReportedAtTheBlock() {
        assertThat(errors("sources:\n  a: { type: exec, command: [], backoff_min: 10s, backoff_max: 1s }\n"))
                .containsExactly("f.yaml:2:6: sources.a: command must name a program");
        assertThat(errors("query: { mode: \"rwx\" }\n"))
                .containsExactly("f.yaml:1:8: query: mode must be an octal file mode such as \"0660\", was 'rwx'");
    }

    @Test
    void duplicateKeysAreErrors() {
        assertThat(errors("sinks:\n  a: { type: console }\n  a: { type: console }\n"))
                .contains("f.yaml:3:3: sinks.a: duplicate key 'a'");
    }

    @Test
    void emptyFileIsAValidRouterThatOnlyKeepsAJournal() throws Exception {
        RouterConfig c = loader.parse("", "empty.yaml");
        assertThat(c.sources()).isEmpty();
        assertThat(c.sinks()).isEmpty();
    }

    @Test
    void routeGlobWithUnclosedBracketIsAnError() {
        assertThat(errors("""
                sinks:
                  out: { type: console }
                routes:
                  - { service: "web[12", to: [out] }
                """)).singleElement().asString()
                .isEqualTo("f.yaml:4:16: routes[0].service: unclosed '[' at position 4 in glob \"web[12\"");
    }

    @Test
    void nonUtf8ByteIsReportedAtItsOwnLineAndColumn(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path f = dir.resolve("latin1.yaml");
        byte[] head = "sinks:\n  out: { type: console }\n# caf".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] bytes = java.util.Arrays.copyOf(head, head.length + 2);
        bytes[head.length] = (byte) 0xe9; // 'é' in Latin-1
        bytes[head.length + 1] = '\n';
        java.nio.file.Files.write(f, bytes);
        assertThatThrownBy(() -> loader.load(f)).isInstanceOf(ConfigException.class)
                .hasMessage(f + ":3:6: not valid UTF-8: byte 0xe9 (save the file as UTF-8)");
    }

    @Test
    void sizesAndDurations() {
        assertThat(ByteSize.parse("64KiB").bytes()).isEqualTo(65536);
        assertThat(ByteSize.parse("1.5 MiB").bytes()).isEqualTo(1572864);
        assertThat(ByteSize.parse("10").bytes()).isEqualTo(10);
        assertThatThrownBy(() -> ByteSize.parse("MiB")).hasMessageContaining("not a size");
        assertThat(ConfigBinder.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(ConfigBinder.parseDuration("2")).isEqualTo(Duration.ofSeconds(2));
        assertThat(ConfigBinder.parseDuration("1.5m")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> ConfigBinder.parseDuration("5 weeks")).hasMessageContaining("unknown duration unit");
    }
}
