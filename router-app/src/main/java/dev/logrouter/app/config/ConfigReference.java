package dev.logrouter.app.config;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the reference tables of docs/configuration.md (key | default | meaning, one table per
 * top-level block, per source and sink type and one for the {@code buffer} block) from the config records: the keys the binder
 * takes, their {@link Default}s and their {@link Doc}s. The docs hold the generated text between
 * {@link #begin} and {@link #END} markers; {@code ConfigReferenceTest} fails when they differ from
 * what this class generates, and rewrites them when asked to (see docs/configuration.md).
 */
final class ConfigReference {

    /** Where the generated sections are committed, relative to the repository. */
    public static final String COMMITTED_PATH = "docs/configuration.md";

    /** The generated sections, by marker name. */
    public static final List<String> SECTIONS = List.of("blocks", "sources", "sinks");

    static final String END = "<!-- END GENERATED -->";

    private ConfigReference() {
    }

    /** The line that opens a generated section. */
    static String begin(String section) {
        return "<!-- BEGIN GENERATED " + section + ": written by ConfigReference from the config records; "
                + "edit the records, not this text -->";
    }

    /** A section's generated text, from its begin marker to its end marker, both included. */
    public static String section(String section) {
        StringBuilder md = new StringBuilder(begin(section)).append("\n");
        switch (section) {
            case "blocks" -> {
                block(md, "journal", JournalConfig.class);
                block(md, "query", QueryConfig.class);
                block(md, "metrics", MetricsConfig.class);
            }
            case "sources" -> {
                for (SourceType<?> t : ComponentTypes.SOURCES) {
                    type(md, "source", t.type(), t.getClass(), t.configClass());
                }
            }
            case "sinks" -> {
                for (SinkType<?> t : ComponentTypes.SINKS) {
                    type(md, "sink", t.type(), t.getClass(), t.configClass());
                }
                md.append("\n<a id=\"sink-buffer\"></a>\n\n### `buffer` (every sink)\n\n");
                table(md, BufferConfig.class);
            }
            default -> throw new IllegalArgumentException("no generated section '" + section + "'");
        }
        return md.append(END).append("\n").toString();
    }

    /** {@code document} with every generated section replaced by what {@link #section} generates now. */
    public static String regenerate(String document) {
        String out = document;
        for (String s : SECTIONS) {
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("<!-- BEGIN GENERATED " + s + "\\b").matcher(out);
            int from = m.find() ? m.start() : -1;
            int to = from < 0 ? -1 : out.indexOf(END, from);
            if (to < 0) {
                throw new IllegalArgumentException("the document has no generated section '" + s + "' (a line '"
                        + begin(s) + "' followed by '" + END + "')");
            }
            out = out.substring(0, from) + section(s) + out.substring(to + END.length() + 1);
        }
        return out;
    }

    /** A type's section; the anchor ({@code sink-tcp}) is what other documents link to. */
    private static void type(StringBuilder md, String kind, String type, Class<?> typeClass,
                             Class<? extends Record> config) {
        Doc doc = typeClass.getAnnotation(Doc.class);
        if (doc == null) {
            throw new IllegalStateException(typeClass.getName() + " has no @Doc summary");
        }
        md.append("\n<a id=\"").append(kind).append('-').append(type).append("\"></a>\n\n### `").append(type)
                .append("`\n\n").append(doc.value());
        if (!doc.see().isEmpty()) {
            // an anchor of this document reads "below"; another document by its name
            md.append(" More in [").append(doc.see().startsWith("#") ? "below" : doc.see()).append("](")
                    .append(doc.see()).append(").");
        }
        md.append("\n\n");
        table(md, config);
    }

    /** A top-level block's section, anchored {@code block-journal}. */
    private static void block(StringBuilder md, String key, Class<? extends Record> config) {
        md.append("\n<a id=\"block-").append(key).append("\"></a>\n\n### `").append(key).append("`\n\n");
        table(md, config);
    }

    private static void table(StringBuilder md, Class<? extends Record> config) {
        List<String[]> rows = new ArrayList<>();
        rows(config, "", null, rows);
        md.append("| key | default | meaning |\n|---|---|---|\n");
        if (rows.isEmpty()) {
            md.append("| (none) | | |\n");
        }
        for (String[] r : rows) {
            md.append("| `").append(r[0]).append("` | ").append(cell(r[1])).append(" | ").append(cell(r[2]))
                    .append(" |\n");
        }
    }

    /** One row per key, as {@link ConfigBinder#keysOf} lists them; a nested block's keys after its own row. */
    private static void rows(Class<? extends Record> type, String prefix, Block shape, List<String[]> out) {
        for (RecordComponent c : type.getRecordComponents()) {
            Block block = c.getAnnotation(Block.class);
            if (block != null && block.inline()) {
                rows(c.getType().asSubclass(Record.class), prefix, block, out);
                continue;
            }
            String key = ConfigBinder.snake(c.getName());
            if (!ConfigBinder.accepts(shape, key)) {
                continue;
            }
            Doc doc = c.getAnnotation(Doc.class);
            if (doc == null) {
                throw new IllegalStateException(type.getName() + "." + c.getName() + " has no @Doc");
            }
            String declared = ConfigBinder.defaultOf(c, shape);
            if (declared != null) {
                ConfigBinder.declaredDefault(declared, c); // a default that does not bind fails here, not at a user
            }
            String dflt = c.isAnnotationPresent(Required.class) ? "required"
                    : declared != null ? "`" + declared + "`"
                    : doc.absent().isEmpty() ? "none" : doc.absent();
            out.add(new String[] {prefix + key, dflt, doc.value()});
            if (Record.class.isAssignableFrom(c.getType()) && c.getType() != ByteSize.class) {
                rows(c.getType().asSubclass(Record.class), prefix + key + ".", block, out);
            }
        }
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
