package dev.logrouter.app.cli;

import dev.logrouter.app.config.ConfigSchema;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code logrouter schema}: prints the JSON Schema of the config, for editors and other validators. */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = {"Print the JSON Schema (draft-07) of the config file.",
            "The same schema is committed as " + ConfigSchema.COMMITTED_PATH + "; editors use it to "
                + "validate and complete configs. `check` validates more (ranges, names, key combinations)."})
final class SchemaCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.print(ConfigSchema.json());
        out.flush();
        return 0;
    }
}
