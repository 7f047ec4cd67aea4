package dev.logrouter.app.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * Tells whoever started the daemon that its sockets are bound and its sources run: systemd through
 * {@code $NOTIFY_SOCKET} ({@code READY=1}, for {@code Type=notify}), and scripts through a ready
 * file ({@code run --ready-file}) that appears, with the pid in it, only once everything is up and is
 * removed at stop.
 */
public final class ReadySignal {

    private final Map<String, String> env;
    private final Path readyFile;

    /** @param readyFile file to create when ready, or null */
    public ReadySignal(Map<String, String> env, Path readyFile) {
        this.env = env;
        this.readyFile = readyFile;
    }

    /** Everything is up: writes the ready file (atomically) and notifies systemd. */
    public void ready() throws IOException {
        if (readyFile != null) {
            Path dir = readyFile.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".ready", ".tmp");
            Files.writeString(tmp, ProcessHandle.current().pid() + "\n");
            Files.move(tmp, readyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        notifySystemd("READY=1\nMAINPID=" + ProcessHandle.current().pid() + "\n");
    }

    /** Stopping: removes the ready file and tells systemd. */
    public void stopping() {
        if (readyFile != null) {
            try {
                Files.deleteIfExists(readyFile);
            } catch (IOException ignored) {
                // a ready file that cannot be removed only misleads a script that ignores the exit
            }
        }
        try {
            notifySystemd("STOPPING=1\n");
        } catch (IOException ignored) {
            // systemd learns of the stop from the exit anyway
        }
    }

    /** Sends {@code state} to {@code $NOTIFY_SOCKET} (a path, or {@code @name} in the abstract namespace); no-op without it. */
    boolean notifySystemd(String state) throws IOException {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return false;
        }
        AFUNIXSocketAddress addr = socket.startsWith("@")
                ? AFUNIXSocketAddress.inAbstractNamespace(socket.substring(1))
                : AFUNIXSocketAddress.of(Path.of(socket));
        try (AFUNIXDatagramChannel ch = AFUNIXDatagramChannel.open()) {
            ch.send(ByteBuffer.wrap(state.getBytes(StandardCharsets.UTF_8)), addr);
        }
        return true;
    }
}
