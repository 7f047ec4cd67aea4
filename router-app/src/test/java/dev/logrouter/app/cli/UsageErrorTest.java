package dev.logrouter.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Usage errors are one line with a suggestion and a pointer to --help, never the whole help. */
class UsageErrorTest {

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = LogrouterCommand.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        return cl.execute(args);
    }

    @Test
    void anUnknownOptionIsOneLineWithTheClosestOne() {
        assertThat(run("read", "--levl", "err")).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly(
                "logrouter: unknown option '--levl'; did you mean '--level'?",
                "Try 'logrouter read --help' for more information.");
    }

    @Test
    void anUnknownCommandSuggestsTheClosest() {
        assertThat(run("stauts")).isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(2);
        assertThat(err.toString().lines().findFirst().orElseThrow())
                .startsWith("logrouter: ").contains("'stauts'").endsWith("did you mean 'status'?");
    }

    @Test
    void aMissingValueIsOneLine() {
        assertThat(run("read", "--lines")).isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(2);
        assertThat(err.toString()).doesNotContain("Usage:").doesNotContain("java.");
    }

    @Test
    void theTopLevelHelpShowsEachCommandsWholeSummary() {
        CommandLine cl = LogrouterCommand.commandLine();
        cl.getSubcommands().forEach((name, sub) -> {
            String[] d = sub.getCommandSpec().usageMessage().description();
            // the first line is what `logrouter --help` lists: a whole sentence
            assertThat(d).as(name).isNotEmpty();
            assertThat(d[0]).as(name).endsWith(".");
        });
    }

    @Test
    void readWithAMissingConfigSaysWhyInWords() {
        assertThat(run("read", "-c", "/nonexistent/logrouter.yaml")).isEqualTo(1);
        assertThat(err.toString().lines()).containsExactly(
                "logrouter: cannot read config /nonexistent/logrouter.yaml: no such file");
    }
}
