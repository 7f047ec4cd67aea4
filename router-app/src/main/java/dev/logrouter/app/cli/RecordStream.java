package dev.logrouter.app.cli;

import dev.logrouter.app.query.QueryRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Sends a read request and writes each answer line, converted, to stdout as bytes. */
final class RecordStream {

    /** Converts one record line of the extended protocol into output bytes. */
    interface LineFormat {
        byte[] format(String line);
    }

    private RecordStream() {
    }

    static int run(CommandLine.Model.CommandSpec spec, SocketOption socket, QueryRequest q, LineFormat format) {
        PrintWriter err = spec.commandLine().getErr();
        // bytes, not a Writer: output must not depend on the platform charset (logread is byte-exact)
        OutputStream out = System.out;
        try (QueryClient c = QueryClient.connect(socket.resolve())) {
            c.send(q.toJson());
            String line;
            while ((line = c.readLine()) != null) {
                try {
                    out.write(format.format(line));
                    if (!c.ready()) {
                        out.flush();
                    }
                } catch (IllegalArgumentException bad) {
                    err.println("logrouter: skipping a line the daemon sent that is not a record: " + bad.getMessage());
                    err.flush();
                }
                if (System.out.checkError()) {
                    return ExitCodes.OK; // reader of our output went away (e.g. | head)
                }
            }
            out.flush();
            return ExitCodes.OK;
        } catch (CliFailure f) {
            flushQuietly(out);
            err.println("logrouter: " + f.getMessage());
            err.flush();
            return f.exitCode;
        } catch (IOException e) {
            return ExitCodes.OK;
        }
    }

    private static void flushQuietly(OutputStream out) {
        try {
            out.flush();
        } catch (IOException ignored) {
            // stdout is gone; the error goes to stderr anyway
        }
    }
}
