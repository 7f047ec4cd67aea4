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
            SchemaCommand.class,
            ReadCommand.class,
            DmesgCommand.class,
            StatusCommand.class,
            ReloadCommand.class,
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
        cl.setParameterExceptionHandler(LogrouterCommand::usageError);
        // an unexpected failure is one line too; LOGROUTER_DEBUG=1 shows the stack trace
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (System.getenv("LOGROUTER_DEBUG") != null) {
                ex.printStackTrace(c.getErr());
            }
            String m = ex.getMessage();
            c.getErr().println("logrouter: " + (m == null || m.isBlank() ? "unexpected failure" : m));
            c.getErr().flush();
            return ExitCodes.ERROR;
        });
        return cl;
    }

    /**
     * A usage error is one line saying what is wrong (with the closest option or command when the
     * word is unknown) and a pointer to {@code --help}, not the whole help text; exit 2.
     */
    static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        java.io.PrintWriter err = cl.getErr();
        String msg = ex.getMessage() == null ? "invalid arguments" : ex.getMessage();
        StringBuilder line = new StringBuilder("logrouter: ");
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            // the first word picocli could not place; the words after it are usually its value
            String first = u.getUnmatched().get(0);
            line.append(first.startsWith("-") ? "unknown option '" : "unexpected argument '").append(first).append('\'');
        } else {
            line.append(Character.toLowerCase(msg.charAt(0))).append(msg.substring(1));
        }
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            line.append("; did you mean '").append(u.getSuggestions().get(0)).append("'?");
        }
        err.println(line);
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCodes.USAGE;
    }
}
