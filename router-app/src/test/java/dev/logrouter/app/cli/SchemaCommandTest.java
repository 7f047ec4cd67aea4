package dev.logrouter.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.app.config.ConfigSchema;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code logrouter schema} prints exactly the generated schema, so redirecting it regenerates the committed file. */
class SchemaCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = LogrouterCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    /** ConfigSchemaTest keeps the committed file equal to {@link ConfigSchema#json()}. */
    @Test
    void schemaPrintsTheGeneratedSchemaByteForByte() {
        assertThat(run("schema")).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString())
                .startsWith("{\n  \"$schema\": \"http://json-schema.org/draft-07/schema#\",")
                .isEqualTo(ConfigSchema.json());
    }

    @Test
    void schemaHasHelpAndTakesNoArguments() {
        assertThat(run("schema", "--help")).isZero();
        assertThat(out.toString()).startsWith("Usage: logrouter schema").contains(ConfigSchema.COMMITTED_PATH);
        assertThat(run("schema", "extra")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).startsWith("logrouter: unexpected argument 'extra'");
    }
}
