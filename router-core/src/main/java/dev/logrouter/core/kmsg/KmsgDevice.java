package dev.logrouter.core.kmsg;

import java.io.Closeable;
import java.io.IOException;

/**
 * Where kernel records are read from, one record per {@link #read} like {@code /dev/kmsg}: the
 * character device itself ({@link KmsgCharDevice}), a fixture file of record groups
 * ({@link KmsgFileDevice}), or a test fixture that imitates the device.
 */
interface KmsgDevice extends Closeable {

    /** End of input: the device was closed. */
    int END = -1;
    /** EPIPE: records at the reader's position were overwritten; the next read returns the oldest left. */
    int OVERWRITTEN = -2;
    /** EAGAIN: nothing new for now; call {@link #awaitData} before reading again. */
    int AGAIN = -3;

    /**
     * Reads exactly one record into {@code buf} (a blocking device waits for one).
     *
     * @return its length, or {@link #END}, {@link #OVERWRITTEN} or {@link #AGAIN}
     */
    int read(byte[] buf) throws IOException;

    /**
     * Skips to after the newest record.
     *
     * @return false when the device cannot do that (the reader then skips records older than the
     *         moment it opened, by their timestamp)
     */
    boolean seekEnd() throws IOException;

    /** Waits (without spinning) until a read may return data, at most {@code maxMillis}. */
    void awaitData(long maxMillis) throws InterruptedException;

    /** Identity of the kernel boot the records belong to, or null when unknown. */
    String bootId();

    /** Closes the device; a blocked {@link #read} returns {@link #END} or throws. */
    @Override
    void close() throws IOException;
}
