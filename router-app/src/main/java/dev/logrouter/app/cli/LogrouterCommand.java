package dev.logrouter.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code logrouter} command; each subcommand is a class in this package. */
@Command(name = "logrouter",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Reactive streaming log router for Linux hosts.",
        subcommands = {
            RunCommand.class,
            CheckCommand.class,
            ReadCommand.class,
            DmesgCommand.class,
            StatusCommand.class,
            WriteCommand.class,
            CommandLine.HelpCommand.class
        })
public final class LogrouterCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: use one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** A command line with the project's conventions (exit codes, case-sensitive options). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new LogrouterCommand());
        // `logrouter write -n x ls -l`: everything from the command on is the command's
        cl.getSubcommands().get("write").setStopAtPositional(true);
        return cl;
    }
}
