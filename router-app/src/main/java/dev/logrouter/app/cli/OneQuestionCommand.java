package dev.logrouter.app.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * The frame of a command that asks a running logrouter one question over its query socket
 * ({@code --socket}) and prints the answer: failures and answers it cannot read become one message
 * on stderr and an exit code ({@link CliFailure#reported}), and stdout is flushed once the answer is
 * printed.
 */
abstract class OneQuestionCommand implements Callable<Integer> {

    @Mixin
    SocketOption socket;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** What the daemon's answer is called in the "unexpected ..." message, e.g. {@code status answer}. */
    private final String answerName;

    OneQuestionCommand(String answerName) {
        this.answerName = answerName;
    }

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        return CliFailure.reported(err, answerName, () -> {
            int code = answer(out, err);
            out.flush();
            return code;
        });
    }

    /** Sends {@code requestJson} and returns the one answer line; {@code what} names it in errors. */
    final String ask(String requestJson, String what) throws CliFailure {
        return QueryClient.askOnce(socket.resolve(), requestJson, what);
    }

    /** Asks (with {@link #ask}) and prints the answer; returns the exit code. */
    abstract int answer(PrintWriter out, PrintWriter err) throws CliFailure;
}
