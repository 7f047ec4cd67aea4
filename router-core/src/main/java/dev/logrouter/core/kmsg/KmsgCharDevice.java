package dev.logrouter.core.kmsg;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@code /dev/kmsg} character device, opened read-only (never written). A blocking
 * {@link FileChannel}: each {@code read()} returns one record or waits for the next; closing the
 * channel from another thread wakes a blocked read (the JDK signals the reading thread), which is
 * how a cancelled source stops without polling.
 */
final class KmsgCharDevice implements KmsgDevice {

    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    private final FileChannel channel;
    private final ByteBuffer buffer;

    /**
     * @param bufferSize read buffer; the kernel answers EINVAL to a buffer smaller than a record,
     *                   so at least 8 KiB
     */
    KmsgCharDevice(Path path, int bufferSize) throws IOException {
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.buffer = ByteBuffer.allocateDirect(bufferSize);
    }

    @Override
    public int read(byte[] buf) throws IOException {
        buffer.clear().limit(Math.min(buffer.capacity(), buf.length));
        int n;
        try {
            n = channel.read(buffer);
        } catch (ClosedChannelException closed) {
            return END;
        } catch (IOException e) {
            if (isEpipe(e)) {
                return OVERWRITTEN;
            }
            throw e;
        }
        if (n < 0) {
            return END;
        }
        buffer.flip();
        buffer.get(buf, 0, n);
        return n;
    }

    static boolean isEpipe(IOException e) {
        String m = e.getMessage();
        return m != null && m.contains("Broken pipe");
    }

    @Override
    public boolean seekEnd() {
        // the JDK has no lseek(SEEK_END) for a character device; the reader skips by timestamp
        return false;
    }

    @Override
    public void awaitData(long maxMillis) throws InterruptedException {
        // a blocking device never answers AGAIN; nothing to wait for
        Thread.sleep(Math.min(maxMillis, 10));
    }

    @Override
    public String bootId() {
        return readBootId();
    }

    static String readBootId() {
        try {
            String id = Files.readString(BOOT_ID, StandardCharsets.US_ASCII).trim();
            return id.isEmpty() ? null : id;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
