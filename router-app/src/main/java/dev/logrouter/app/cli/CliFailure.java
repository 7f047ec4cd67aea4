package dev.logrouter.app.cli;

/** A failure the CLI reports as one message on stderr and an exit code. */
final class CliFailure extends Exception {

    private static final long serialVersionUID = 1L;

    final int exitCode;

    CliFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    /** A command body that may fail with a {@link CliFailure}; returns the exit code. */
    @FunctionalInterface
    interface Body {
        int run() throws CliFailure;
    }

    /**
     * Runs {@code body}; a failure is reported on {@code err}, an answer of the daemon that cannot be
     * understood (an {@link IllegalArgumentException} while reading it) as {@code unexpected ANSWER: ...}.
     */
    static int reported(java.io.PrintWriter err, String answer, Body body) {
        try {
            return body.run();
        } catch (CliFailure f) {
            return f.report(err);
        } catch (IllegalArgumentException e) {
            return new CliFailure(ExitCodes.ERROR, "unexpected " + answer + ": " + e.getMessage()).report(err);
        }
    }

    /** Prints {@code logrouter: MESSAGE} to {@code err}; returns the exit code. */
    int report(java.io.PrintWriter err) {
        err.println("logrouter: " + getMessage());
        err.flush();
        return exitCode;
    }
}
