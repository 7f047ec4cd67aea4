package dev.logrouter.app.cli;

/** A failure the CLI reports as one message on stderr and an exit code. */
final class CliFailure extends Exception {

    private static final long serialVersionUID = 1L;

    final int exitCode;

    CliFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }
}
