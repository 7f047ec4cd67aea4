package dev.logrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A default is declared once, on the config record ({@link Default}, a {@link Block} default, or a
 * constant its {@link Doc#absent()} shows); the specs have none. Prose that names a default again
 * ("`batch_events` (default 1024)" in README.md and docs/) must name the declared value, so that a
 * changed default cannot leave an old one in the documents.
 */
class DocumentedDefaultsTest {

    /** "`KEY` (default VALUE" with VALUE up to a comma, colon, semicolon or the parenthesis. */
    private static final Pattern MENTION = Pattern.compile("`([a-z_.]+)` \\(default:? `?([^`,;:)]+?)`?[,;:)]");

    /** A row of a key | default | meaning table: "| `KEY` | `VALUE` |". */
    private static final Pattern ROW = Pattern.compile("(?m)^\\| `([a-z_.]+)` \\| `([^`|]+)` \\|");

    @Test
    void everyDefaultNamedInTheDocumentsIsTheDeclaredOne() throws IOException {
        Map<String, Set<String>> declared = declared();
        Path repo = DocExamplesTest.repo();
        List<Path> docs = new ArrayList<>(List.of(repo.resolve("README.md")));
        try (Stream<Path> s = Files.list(repo.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Path doc : docs) {
            String raw = Files.readString(doc);
            for (Matcher m : List.of(MENTION.matcher(raw.replace("\n", " ")), ROW.matcher(raw))) {
                while (m.find()) {
                    String key = m.group(1).substring(m.group(1).lastIndexOf('.') + 1);
                    Set<String> values = declared.get(key);
                    if (values == null) {
                        continue; // not a config key (a CLI option, a field, a metric)
                    }
                    checked++;
                    if (!values.contains(normal(m.group(2)))) {
                        wrong.add(repo.relativize(doc) + ": `" + m.group(1) + "` (default " + m.group(2).trim()
                                + "), declared " + values);
                    }
                }
            }
        }
        assertThat(wrong).as("defaults named in the documents that the config records do not declare").isEmpty();
        assertThat(checked).as("default mentions checked").isGreaterThanOrEqualTo(5);
    }

    @Test
    void theDeclaredDefaultsAreFound() {
        Map<String, Set<String>> d = declared();
        assertThat(d.get("batch_events")).contains("1024", "256");
        assertThat(d.get("max_datagram")).containsExactly("10kib");
        assertThat(d.get("max_lines")).containsExactly("5000");
        assertThat(d.get("max_bytes")).contains("8mib", "64mib", "1gib");
        assertThat(d.get("backoff_min")).contains("100ms", "500ms");
        assertThat(d.get("fields")).containsExactly("talos");
        assertThat(d.get("interval")).containsExactly("1s");
    }

    /** Every key's declared defaults, normalised, over every record the loader binds. */
    static Map<String, Set<String>> declared() {
        Map<String, Set<String>> out = new TreeMap<>();
        List<Class<? extends Record>> roots = new ArrayList<>(List.of(JournalConfig.class, QueryConfig.class,
                MetricsConfig.class, BufferConfig.class, TransformConfig.RateLimit.class));
        ComponentTypes.SOURCES.forEach(t -> roots.add(t.configClass()));
        ComponentTypes.SINKS.forEach(t -> roots.add(t.configClass()));
        for (Class<? extends Record> r : roots) {
            collect(r, null, out);
        }
        return out;
    }

    private static void collect(Class<? extends Record> type, Block shape, Map<String, Set<String>> out) {
        for (RecordComponent c : type.getRecordComponents()) {
            Block block = c.getAnnotation(Block.class);
            if (block != null && block.inline()) {
                collect(c.getType().asSubclass(Record.class), block, out);
                continue;
            }
            String key = ConfigBinder.snake(c.getName());
            String d = ConfigBinder.defaultOf(c, shape);
            Doc doc = c.getAnnotation(Doc.class);
            if (d != null) {
                out.computeIfAbsent(key, k -> new TreeSet<>()).add(normal(d));
            } else if (doc != null) {
                // a default that depends on another key: each value the absent text shows in backquotes
                Matcher m = Pattern.compile("`([^`]+)`").matcher(doc.absent());
                while (m.find()) {
                    out.computeIfAbsent(key, k -> new TreeSet<>()).add(normal(m.group(1)));
                }
            }
            if (Record.class.isAssignableFrom(c.getType()) && c.getType() != ByteSize.class) {
                collect(c.getType().asSubclass(Record.class), block, out);
            }
        }
    }

    /** {@code 8 MiB} and {@code 8MiB}, {@code "0660"} and {@code 0660} are the same value. */
    private static String normal(String value) {
        return value.replace(" ", "").replace("\"", "").toLowerCase(java.util.Locale.ROOT);
    }
}
