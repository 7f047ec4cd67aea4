package dev.logrouter.core.kmsg;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The last forwarded kernel record, as kept in a state file:
 * <pre>
 * # logrouter kmsg state: last forwarded record
 * boot_id=0d7c...   (absent when the boot is unknown, e.g. a fixture file)
 * seq=1234
 * clock=5678901
 * </pre>
 * Written to a temporary file in the same directory, synced, then renamed over the old one, so a
 * crash leaves either the old or the new state, never a torn one.
 *
 * @param bootId {@code /proc/sys/kernel/random/boot_id} of the boot that logged it, or null
 * @param seq    its kernel sequence number
 * @param clock  its kernel timestamp, µs since boot
 */
record KmsgState(String bootId, long seq, long clock) {

    /** Reads the state; null when the file does not exist. */
    static KmsgState read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
        String boot = null;
        long seq = -1;
        long clock = -1;
        for (String line : text.split("\n")) {
            String l = line.trim();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq < 0) {
                throw new IOException("bad line in kmsg state file " + file + ": " + l);
            }
            String k = l.substring(0, eq).trim();
            String v = l.substring(eq + 1).trim();
            try {
                switch (k) {
                    case "boot_id": boot = v.isEmpty() ? null : v; break;
                    case "seq": seq = Long.parseLong(v); break;
                    case "clock": clock = Long.parseLong(v); break;
                    default: break;
                }
            } catch (NumberFormatException e) {
                throw new IOException("bad number in kmsg state file " + file + ": " + l);
            }
        }
        if (seq < 0) {
            throw new IOException("kmsg state file " + file + " has no valid seq");
        }
        return new KmsgState(boot, seq, clock);
    }

    /** Replaces the state file atomically. */
    void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        String text = "# logrouter kmsg state: last forwarded record\n"
                + (bootId == null ? "" : "boot_id=" + bootId + "\n")
                + "seq=" + seq + "\nclock=" + clock + "\n";
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
