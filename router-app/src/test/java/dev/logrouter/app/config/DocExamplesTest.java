package dev.logrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every config example is checked as {@code logrouter check} would: each {@code yaml} block of
 * README.md and docs/*.md, and every YAML file in config/ and packaging/. A block that is
 * deliberately not a whole config (a fragment, or another program's file) is preceded by the line
 * {@code <!-- not a config: REASON -->}, which Markdown does not render.
 */
class DocExamplesTest {

    static final String OPT_OUT = "<!-- not a config:";

    static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("docs"))) {
            p = p.getParent();
        }
        return p;
    }

    /** A config text and where it comes from ({@code FILE:LINE} of its first line). */
    record Example(String where, String text) {
    }

    static List<Example> markdownBlocks(Path md) throws IOException {
        List<String> lines = Files.readAllLines(md);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String fence = lines.get(i).strip();
            if (!fence.equals("```yaml") && !fence.equals("```yml")) {
                continue;
            }
            boolean optOut = i > 0 && lines.get(i - 1).strip().startsWith(OPT_OUT);
            StringBuilder text = new StringBuilder();
            int start = i + 1;
            for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
                text.append(lines.get(i)).append('\n');
            }
            if (!optOut) {
                out.add(new Example(repo().relativize(md) + ":" + (start + 1), text.toString()));
            }
        }
        return out;
    }

    static List<Example> examples() throws IOException {
        Path root = repo();
        List<Example> all = new ArrayList<>(markdownBlocks(root.resolve("README.md")));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            for (Path md : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                all.addAll(markdownBlocks(md));
            }
        }
        for (String dir : new String[] {"config", "packaging"}) {
            try (Stream<Path> files = Files.walk(root.resolve(dir))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                        .sorted().toList()) {
                    all.add(new Example(root.relativize(f).toString(), Files.readString(f)));
                }
            }
        }
        return all;
    }

    @Test
    void everyConfigExampleInTheDocsAndEveryShippedConfigPassesCheck() throws Exception {
        ConfigLoader loader = new ConfigLoader(Map.of(ConfigLoader.RUNTIME_DIR_VARIABLE, "/tmp/logrouter-docs",
                "HOME", "/home/user"));
        List<Example> examples = examples();
        assertThat(examples).hasSizeGreaterThan(5);
        List<String> failures = new ArrayList<>();
        for (Example e : examples) {
            try {
                loader.parse(e.text(), e.where());
            } catch (ConfigException ex) {
                for (ConfigProblem p : ex.problems()) {
                    failures.add(p.format(e.where()));
                }
            }
        }
        assertThat(failures).as("config examples that logrouter check refuses").isEmpty();
    }
}
