package dev.logrouter.core.fdsocket;

import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * Hands file descriptors to a memlogd-compatible log socket, as LinuxKit init and {@code logwrite} do:
 * one datagram whose payload is the name and whose SCM_RIGHTS data carries the fds. The receiver
 * reads each fd until EOF; the caller closes its own copy of a read end after sending it.
 */
public final class FdSocketClient implements Closeable {

    private final Path socket;
    private final AFUNIXDatagramChannel channel;

    private FdSocketClient(Path socket, AFUNIXDatagramChannel channel) {
        this.socket = socket;
        this.channel = channel;
    }

    /**
     * Connects to the log socket.
     *
     * @throws NoSuchFileException when nothing exists at {@code socket}
     * @throws IOException when it is not a socket or nobody is bound to it
     */
    public static FdSocketClient connect(Path socket) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(socket.toString(), null, "log socket does not exist");
        }
        AFUNIXDatagramChannel ch = AFUNIXDatagramChannel.open();
        try {
            ch.connect(AFUNIXSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw new IOException(socket + ": cannot connect to the log socket: " + e.getMessage(), e);
        }
        return new FdSocketClient(socket, ch);
    }

    public Path socket() {
        return socket;
    }

    /** Sends {@code fds} under {@code name} (UTF-8; the receiver keeps at most 512 bytes). */
    public void send(String name, FileDescriptor... fds) throws IOException {
        send(name.getBytes(StandardCharsets.UTF_8), fds);
    }

    /** Sends raw name bytes with {@code fds} (none for a plain datagram). */
    public synchronized void send(byte[] name, FileDescriptor... fds) throws IOException {
        if (fds.length > 0) {
            channel.setOutboundFileDescriptors(fds);
        }
        channel.write(ByteBuffer.wrap(name));
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
