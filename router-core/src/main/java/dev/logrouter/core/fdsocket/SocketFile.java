package dev.logrouter.core.fdsocket;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The file of a Unix socket a source binds: prepared before the bind (parent directory created, a
 * stale socket file removed), given its mode after the bind, and removed on shutdown only while it is
 * still the file this instance bound (a newer instance that re-bound the path keeps its socket).
 */
public final class SocketFile {

    private final Path path;
    private final int mode;
    private Object boundKey;

    /**
     * @param path the socket path
     * @param mode permission bits, e.g. {@code 0660}
     */
    public SocketFile(Path path, int mode) {
        this.path = Objects.requireNonNull(path, "path");
        if (mode < 0 || mode > 0777) {
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
     * Creates the parent directory and removes a stale socket file at the path. A file that is not a
     * socket is left alone and reported, so a typo in a config never deletes a regular file.
     *
     * @throws FileAlreadyExistsException when something other than a socket is at the path
     */
    public void prepare() throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!attrs.isOther()) {
            throw new FileAlreadyExistsException(path.toString(), null,
                    "exists and is not a socket; refusing to replace it");
        }
        Files.deleteIfExists(path);
    }

    /** Applies the mode to the freshly bound socket and remembers which file it is. */
    public void bound() throws IOException {
        Files.setPosixFilePermissions(path, permissions(mode));
        boundKey = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    /** Removes the socket file if it is still the one {@link #bound()} saw; never throws. */
    public void remove() {
        if (boundKey == null) {
            return;
        }
        try {
            Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (boundKey.equals(key)) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // already gone
        }
        boundKey = null;
    }

    static Set<PosixFilePermission> permissions(int mode) {
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
