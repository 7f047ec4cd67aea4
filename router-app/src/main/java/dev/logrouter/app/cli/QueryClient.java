package dev.logrouter.app.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A client of the query socket for the CLI: sends one extended request line and reads the answer line
 * by line. Connection failures become {@link CliFailure}s with a message and exit code for the user.
 */
final class QueryClient implements AutoCloseable {

    private final Path socket;
    private final SocketChannel channel;
    private final BufferedReader reader;

    private QueryClient(Path socket, SocketChannel channel) {
        this.socket = socket;
        this.channel = channel;
        this.reader = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                StandardCharsets.UTF_8), 64 * 1024);
    }

    static QueryClient connect(Path socket) throws CliFailure {
        if (!Files.exists(socket)) {
            throw new CliFailure(ExitCodes.NO_DAEMON, "query socket " + socket
                    + " does not exist: is logrouter running? (use --socket PATH or --config FILE)");
        }
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            return new QueryClient(socket, ch);
        } catch (IOException e) {
            closeQuietly(ch);
            String m = String.valueOf(e.getMessage());
            if (m.contains("Permission denied")) {
                throw new CliFailure(ExitCodes.ACCESS_DENIED, "permission denied on query socket " + socket
                        + ": run as a user the socket's mode allows (query.mode)");
            }
            if (m.contains("Connection refused")) {
                throw new CliFailure(ExitCodes.NO_DAEMON, "nothing is listening on query socket " + socket
                        + ": is logrouter running?");
            }
            throw new CliFailure(ExitCodes.ERROR, "cannot connect to query socket " + socket + ": " + m);
        }
    }

    /**
     * Connects, sends one request line and returns the one answer line (an error line becomes a
     * failure, as in {@link #readLine}).
     *
     * @param what the answer expected, for the failure when the daemon closes without one ("a status")
     */
    static String askOnce(Path socket, String requestJson, String what) throws CliFailure {
        try (QueryClient c = connect(socket)) {
            c.send(requestJson);
            String line = c.readLine();
            if (line == null) {
                throw new CliFailure(ExitCodes.ERROR, "the daemon closed the connection without " + what);
            }
            return line;
        }
    }

    /** Sends one request line. */
    void send(String requestJson) throws CliFailure {
        ByteBuffer b = ByteBuffer.wrap((requestJson + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.ERROR, "cannot send request to " + socket + ": " + e.getMessage());
        }
    }

    /**
     * The next line of the answer, or null at the end. An error line of the server becomes a failure.
     */
    String readLine() throws CliFailure {
        String line;
        try {
            line = reader.readLine();
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.ERROR, "connection to " + socket + " failed: " + e.getMessage());
        }
        if (line != null && line.startsWith("{\"error\":")) {
            String msg = errorMessage(line);
            throw new CliFailure(msg.startsWith("access denied") ? ExitCodes.ACCESS_DENIED : ExitCodes.ERROR,
                    "logrouter at " + socket + ": " + msg);
        }
        return line;
    }

    /** Whether more of the answer is already buffered, so the caller may delay flushing its output. */
    boolean ready() {
        try {
            return reader.ready();
        } catch (IOException e) {
            return false;
        }
    }

    private static String errorMessage(String line) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(line).path("error").asText();
        } catch (IOException e) {
            return line;
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to release beyond the descriptor
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }
}
