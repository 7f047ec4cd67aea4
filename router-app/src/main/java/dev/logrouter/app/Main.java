package dev.logrouter.app;

import dev.logrouter.app.cli.LogrouterCommand;
import picocli.CommandLine;

/** Entry point of the {@code logrouter} command. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(LogrouterCommand.commandLine().execute(args));
    }
}
