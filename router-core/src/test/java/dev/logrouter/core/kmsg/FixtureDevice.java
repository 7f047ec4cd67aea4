package dev.logrouter.core.kmsg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Behaves like {@code /dev/kmsg} for the reader: a bounded ring of records, each read returns exactly
 * one record at the reader's position; when that position was overwritten the read fails once with
 * {@link KmsgDevice#OVERWRITTEN} (EPIPE) and the next returns the oldest record left. Blocking mode
 * waits for a record; non-blocking mode answers {@link KmsgDevice#AGAIN} (EAGAIN) and
 * {@link #awaitData} waits like poll(). A buffer smaller than the record fails like EINVAL.
 *
 * <p>Each record has an internal position that only grows (the kernel's seq); the text written may
 * carry any seq, so tests can make it jump or go backwards.
 */
final class FixtureDevice implements KmsgDevice {

    private record Entry(long idx, byte[] bytes) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Entry> ring = new ArrayDeque<>();
    private final int capacity;
    private final boolean blocking;
    private final boolean exactSeek;
    private final String bootId;
    private long nextIdx;
    private long pos;
    private boolean closed;
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger awaits = new AtomicInteger();
    final AtomicInteger seeks = new AtomicInteger();
    /** The shortest wait {@link #awaitData} was asked for: a reader that spins asks for none. */
    volatile long shortestAwaitMillis = Long.MAX_VALUE;

    FixtureDevice(int capacity, boolean blocking, boolean exactSeek, String bootId) {
        this.capacity = capacity;
        this.blocking = blocking;
        this.exactSeek = exactSeek;
        this.bootId = bootId;
    }

    static FixtureDevice blocking(int capacity) {
        return new FixtureDevice(capacity, true, true, "boot-1");
    }

    /** A kernel record line: {@code prio,seq,usec,-;text}. */
    static String line(int prio, long seq, long usec, String text) {
        return prio + "," + seq + "," + usec + ",-;" + text + "\n";
    }

    /** Appends a record; the oldest is overwritten when the ring is full. */
    void write(String record) {
        lock.lock();
        try {
            ring.addLast(new Entry(nextIdx++, record.getBytes(StandardCharsets.UTF_8)));
            while (ring.size() > capacity) {
                ring.removeFirst();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Appends {@code n} plain records with seq {@code first...}, usec = seq * 1000. */
    void writeSeq(long first, int n) {
        for (int i = 0; i < n; i++) {
            long s = first + i;
            write(line(6, s, s * 1000, "record " + s));
        }
    }

    /** Drops the {@code n} oldest records, as if overwritten. */
    void overwriteOldest(int n) {
        lock.lock();
        try {
            for (int i = 0; i < n && !ring.isEmpty(); i++) {
                ring.removeFirst();
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many records were ever written (the next record's internal position). */
    long written() {
        lock.lock();
        try {
            return nextIdx;
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read(byte[] buf) throws IOException {
        reads.incrementAndGet();
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    return END;
                }
                if (!ring.isEmpty() && pos < ring.peekFirst().idx()) {
                    pos = ring.peekFirst().idx();
                    return OVERWRITTEN;
                }
                if (ring.isEmpty() && pos < nextIdx) {
                    pos = nextIdx;
                    return OVERWRITTEN;
                }
                if (pos < nextIdx) {
                    Entry e = ring.toArray(new Entry[0])[(int) (pos - ring.peekFirst().idx())];
                    if (buf.length < e.bytes().length) {
                        throw new IOException("Invalid argument");
                    }
                    System.arraycopy(e.bytes(), 0, buf, 0, e.bytes().length);
                    pos++;
                    return e.bytes().length;
                }
                if (!blocking) {
                    return AGAIN;
                }
                try {
                    changed.await();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean seekEnd() {
        if (!exactSeek) {
            seeks.incrementAndGet();
            return false;
        }
        lock.lock();
        try {
            pos = nextIdx;
            return true;
        } finally {
            lock.unlock();
            seeks.incrementAndGet();
        }
    }

    @Override
    public void awaitData(long maxMillis) throws InterruptedException {
        awaits.incrementAndGet();
        shortestAwaitMillis = Math.min(shortestAwaitMillis, maxMillis);
        lock.lock();
        try {
            if (!closed && pos >= nextIdx) {
                changed.await(maxMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String bootId() {
        return bootId;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
