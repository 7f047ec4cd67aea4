package dev.logrouter.core.kmsg;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A regular file in {@code /dev/kmsg} text format standing in for the device: one record per
 * "line group" (a header line plus the continuation lines that start with a space), exactly what
 * {@code cat /dev/kmsg > file} writes. Empty lines are skipped. The file is followed like
 * {@code tail -f}: at its end {@link #read} answers {@link #AGAIN} and {@link #awaitData} sleeps one
 * poll interval; when the file shrinks (truncated and rewritten) reading restarts at its beginning.
 *
 * <p>A record is complete when the next line does not start with a space or, at the current end
 * of the file, when its last line ends with a newline: writers append whole groups in one write.
 * A record longer than the read buffer is cut to it.
 */
final class KmsgFileDevice implements KmsgDevice {

    private final FileChannel channel;
    private final long pollMillis;
    private final ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
    /** Unconsumed bytes read from the file: data[start, limit). */
    private byte[] data = new byte[64 * 1024];
    private int start;
    private int limit;
    /** File offset just after data[limit - 1]. */
    private long filePos;
    private volatile boolean closed;
    /** Wakes {@link #awaitData} on close. */
    private final Object closeSignal = new Object();

    KmsgFileDevice(Path path, long pollMillis) throws IOException {
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.pollMillis = pollMillis;
    }

    @Override
    public int read(byte[] buf) throws IOException {
        if (closed) {
            return END;
        }
        try {
            while (true) {
                int len = completeRecord();
                if (len > 0) {
                    return take(buf, len);
                }
                if (len == 0) {
                    start++; // an empty line
                    continue;
                }
                if (!fill()) {
                    return AGAIN;
                }
            }
        } catch (ClosedChannelException e) {
            return END;
        }
    }

    /** Length of the complete record at {@code start} (0 for an empty line), or -1 when more input is needed. */
    private int completeRecord() {
        if (start >= limit) {
            return -1;
        }
        if (data[start] == '\n') {
            return 0;
        }
        int i = start;
        while (true) {
            int nl = indexOfNewline(i);
            if (nl < 0) {
                return -1;
            }
            if (nl + 1 >= limit) {
                // at the end of what was read: complete unless more of the file is already there
                return moreInFile() ? -1 : nl + 1 - start;
            }
            if (data[nl + 1] != ' ') {
                return nl + 1 - start;
            }
            i = nl + 1;
        }
    }

    private boolean moreInFile() {
        try {
            return channel.size() > filePos;
        } catch (IOException e) {
            return false;
        }
    }

    private int indexOfNewline(int from) {
        for (int i = from; i < limit; i++) {
            if (data[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private int take(byte[] buf, int len) {
        int n = Math.min(len, buf.length);
        System.arraycopy(data, start, buf, 0, n);
        start += len;
        return n;
    }

    /** Reads more of the file; false when there is nothing new. */
    private boolean fill() throws IOException {
        long size = channel.size();
        if (size < filePos) {
            // truncated: start over with the new content
            filePos = 0;
            start = 0;
            limit = 0;
        }
        if (size == filePos) {
            return false;
        }
        if (start > 0) {
            System.arraycopy(data, start, data, 0, limit - start);
            limit -= start;
            start = 0;
        }
        if (limit == data.length) {
            data = Arrays.copyOf(data, data.length * 2);
        }
        chunk.clear().limit(Math.min(chunk.capacity(), data.length - limit));
        int n = channel.read(chunk, filePos);
        if (n <= 0) {
            return false;
        }
        System.arraycopy(chunk.array(), 0, data, limit, n);
        limit += n;
        filePos += n;
        return true;
    }

    @Override
    public boolean seekEnd() throws IOException {
        filePos = channel.size();
        start = 0;
        limit = 0;
        return true;
    }

    @Override
    public void awaitData(long maxMillis) throws InterruptedException {
        synchronized (closeSignal) {
            if (!closed) {
                closeSignal.wait(Math.max(1, Math.min(maxMillis, pollMillis)));
            }
        }
    }

    @Override
    public String bootId() {
        return null;
    }

    @Override
    public void close() throws IOException {
        synchronized (closeSignal) {
            closed = true;
            closeSignal.notifyAll();
        }
        channel.close();
    }
}
