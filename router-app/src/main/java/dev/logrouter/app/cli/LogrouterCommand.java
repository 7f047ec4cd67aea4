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
        cl.setParameterExceptionHandler(LogrouterCommand::usageError);
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
        if (msg.startsWith("Unknown option: ")) {
            line.append("unknown option ").append(msg.substring("Unknown option: ".length()));
        } else if (msg.startsWith("Unknown options: ")) {
            line.append("unknown options ").append(msg.substring("Unknown options: ".length()));
        } else if (msg.startsWith("Unmatched argument at index ")) {
            int quote = msg.indexOf('\'');
            line.append("unexpected argument ").append(quote < 0 ? msg : msg.substring(quote));
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
