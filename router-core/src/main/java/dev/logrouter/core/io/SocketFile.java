package dev.logrouter.core.io;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import reactor.netty.DisposableChannel;

/**
 * The one policy for every Unix socket the router binds (log sockets, syslog, the query socket):
 * <ul>
 *   <li>a path held by something that is not a socket is refused, never replaced;</li>
 *   <li>a socket file that a live process serves (stream or datagram) is refused, never taken over;</li>
 *   <li>a stale socket file (nobody serves it) is replaced;</li>
 *   <li>the socket is bound under a temporary name beside the path, given its mode, then renamed onto
 *       the path, so it is never reachable with a looser mode;</li>
 *   <li>on close the file is removed only while it is still the one this instance bound (a newer
 *       instance that re-bound the path keeps its socket).</li>
 * </ul>
 */
public final class SocketFile {

    /** Mode value meaning "leave the bits the process umask gave". */
    public static final int UMASK = -1;

    private final Path path;
    private final int mode;
    private Object boundKey;

    /** Binds a socket of some kind at a path; the returned handle is closed if the bind must be undone. */
    @FunctionalInterface
    public interface Binder<T extends Closeable> {
        T bind(Path at) throws IOException;
    }

    /**
     * @param path the socket path
     * @param mode permission bits, e.g. {@code 0660}, or {@link #UMASK}
     */
    public SocketFile(Path path, int mode) {
        this.path = Objects.requireNonNull(path, "path").toAbsolutePath();
        if (mode != UMASK && (mode < 0 || mode > 0777)) {
            throw new IllegalArgumentException("socket mode must be between 0000 and 0777, was " + Integer.toOctalString(mode));
        }
        this.mode = mode;
    }

    public Path path() {
        return path;
    }

    /**
     * Parses an octal mode as written in configs: {@code "0660"}, {@code "660"}, {@code "0o666"}.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static int parseMode(String text) {
        String t = text.trim();
        if (t.startsWith("0o") || t.startsWith("0O")) {
            t = t.substring(2);
        }
        if (t.isEmpty() || t.length() > 4 || !t.chars().allMatch(c -> c >= '0' && c <= '7')) {
            throw new IllegalArgumentException("not an octal file mode: '" + text + "' (expected e.g. \"0660\")");
        }
        int m = Integer.parseInt(t, 8);
        if (m > 0777) {
            throw new IllegalArgumentException("file mode " + text + " has bits beyond 0777");
        }
        return m;
    }

    /**
     * Binds through {@code binder} following the policy above.
     *
     * @throws FileAlreadyExistsException when something other than a socket is at the path, or a live
     *                                    process serves the socket there
     */
    public synchronized <T extends Closeable> T bind(Binder<T> binder) throws IOException {
        Path parent = path.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        removeStale();
        Path tmp = path.resolveSibling("." + path.getFileName() + ".bind-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16));
        T bound = binder.bind(tmp);
        try {
            if (mode != UMASK) {
                Files.setPosixFilePermissions(tmp, permissions(mode));
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path);
            }
            boundKey = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return bound;
        } catch (IOException | RuntimeException e) {
            try {
                bound.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /**
     * As {@link #bind}, for a Reactor Netty server or datagram socket: {@code binder} binds it at the path
     * it is given; it is disposed again if it cannot be put in place.
     */
    public <T extends DisposableChannel> T bindChannel(Function<Path, T> binder) throws IOException {
        return bind(at -> new BoundChannel<>(binder.apply(at))).channel();
    }

    private record BoundChannel<T extends DisposableChannel>(T channel) implements Closeable {
        @Override
        public void close() {
            channel.disposeNow(Duration.ofSeconds(5));
        }
    }

    private void removeStale() throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!attrs.isOther()) {
            throw new FileAlreadyExistsException(path.toString(), null,
                    (attrs.isDirectory() ? "is a directory" : "exists and is not a socket") + "; refusing to replace it");
        }
        if (isServed(path)) {
            throw new FileAlreadyExistsException(path.toString(), null,
                    "another process is serving this socket; refusing to take it over");
        }
        Files.deleteIfExists(path);
    }

    /** True when a process accepts stream connections or datagrams on the socket at {@code p}. */
    static boolean isServed(Path p) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(p));
            return true;
        } catch (IOException notStream) {
            // a datagram socket refuses stream connections even while it is served
        }
        try (AFUNIXDatagramChannel ch = AFUNIXDatagramChannel.open()) {
            ch.connect(AFUNIXSocketAddress.of(p));
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    /**
     * Removes the socket file if it is still the one {@link #bind} made; never throws. Call it after
     * closing the socket: a file that something serves then belongs to a newer instance (inode numbers
     * are reused, so the file key alone cannot tell), and is kept.
     */
    public synchronized void remove() {
        if (boundKey == null) {
            return;
        }
        try {
            Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (boundKey.equals(key) && !isServed(path)) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // already gone
        }
        boundKey = null;
    }

    /** The permission set of mode bits like {@code 0660}. */
    public static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < 9; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }
}
