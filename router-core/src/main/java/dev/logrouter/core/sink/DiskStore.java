package dev.logrouter.core.sink;

import dev.logrouter.core.record.LogRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk store of a {@link SinkBuffer}: records appended to segment files in one directory, read
 * back in order, a segment deleted once every record in it is acknowledged (or dropped).
 *
 * <p>Layout: {@code NNNNNNNNNNNNNNNNNNNN.seg} files (ids grow), each a sequence of frames
 * {@code length(u32) crc32c(u32) payload} with a {@link RecordCodec} payload; {@code checkpoint}
 * holds the position of the first record not yet acknowledged and the read position, both as of the
 * last sync; {@code lock} is held while a router uses the directory. A new start never appends to an
 * old segment: it validates the old ones from the checkpoint on (a frame whose length or CRC is
 * wrong, e.g. torn by a crash mid-append, is cut off with the rest of its segment, counted and
 * logged), hands their records out again (records handed out before the restart are counted as
 * {@code replayed}: the sink may deliver them twice) and writes a new segment.
 *
 * <p>Bytes counted against {@code max_bytes} are the frames not yet acknowledged, including those
 * in flight in the sink; files can exceed it by the unacknowledged part of the oldest segment.
 */
final class DiskStore implements BufferStore {

    private static final Logger LOG = LoggerFactory.getLogger(DiskStore.class);
    static final int HEADER = 8;
    /** Larger lengths are taken as corruption. */
    static final int MAX_FRAME = 256 << 20;
    private static final String SUFFIX = ".seg";

    private final String name;
    private final Path dir;
    private final long segmentBytes;
    private final boolean syncEachAppend;
    private final Events events;
    private final FileChannel lockChannel;
    private final Path checkpointFile;
    private long checkpointSeq;
    private long savedCheckpointSeq;
    private final FileLock lock;

    /** One segment file. */
    private static final class Segment {
        final long id;
        final Path path;
        /** Bytes of complete frames in the file. */
        long size;

        Segment(long id, Path path, long size) {
            this.id = id;
            this.path = path;
            this.size = size;
        }
    }

    /** A record handed out, with where its frame starts. */
    private record InFlight(long position, long segment, long offset, int frame) {
    }

    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private Segment writeSeg;
    private volatile FileChannel writeCh;
    /** Channels of segments rolled since the last sync, not yet forced. */
    private final List<FileChannel> rolled = new ArrayList<>();
    private final ByteBuffer writeBuf = ByteBuffer.allocateDirect(64 * 1024);
    private final ThreadLocal<ByteBuffer> encodeBuf = ThreadLocal.withInitial(() -> ByteBuffer.allocate(4096));
    private final CRC32C crc = new CRC32C();

    private Segment readSeg;
    private long readOff;
    private FileChannel readCh;
    private ByteBuffer window = ByteBuffer.allocate(256 * 1024);
    private long windowStart;
    private int windowLen;

    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    /** Appended since the last sync: released to the sources once synced. */
    private List<LogRecord> unsynced = new ArrayList<>();
    private int waiting;
    private long bytes;
    private long corrupted;
    private long replayed;
    private boolean closed;

    private DiskStore(String name, DiskSpec spec, Events events) throws IOException {
        this.name = name;
        this.dir = spec.path();
        this.segmentBytes = spec.segmentBytes();
        this.syncEachAppend = spec.sync().isZero();
        this.events = events;
        this.checkpointFile = dir.resolve("checkpoint");
        Files.createDirectories(dir);
        this.lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            l = null; // held by this JVM
        } catch (IOException | RuntimeException e) {
            lockChannel.close();
            throw e;
        }
        if (l == null) {
            lockChannel.close();
            throw new IOException("disk buffer directory " + dir + " is in use by another process");
        }
        this.lock = l;
    }

    /**
     * Opens (or creates) the store in {@code spec.path()} and recovers what a previous run left.
     *
     * @throws IOException when the directory cannot be used (permissions, or locked by another router)
     */
    static DiskStore open(String name, DiskSpec spec, Events events) throws IOException {
        DiskStore s = new DiskStore(name, spec, events);
        try {
            s.recover();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    // ---- recovery

    private void recover() throws IOException {
        long[] ck = readCheckpoint();
        long frontSeg = ck == null ? -1 : ck[0];
        long frontOff = ck == null ? 0 : ck[1];
        long readSegId = ck == null ? -1 : ck[2];
        long readOffset = ck == null ? 0 : ck[3];
        List<Long> ids = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path p : ds) {
                String f = p.getFileName().toString();
                try {
                    ids.add(Long.parseLong(f.substring(0, f.length() - SUFFIX.length())));
                } catch (NumberFormatException e) {
                    LOG.warn("disk buffer '{}': ignoring unknown file {}", name, p);
                }
            }
        }
        ids.sort(null);
        long nextId = 1;
        long totalRecords = 0;
        boolean first = true;
        for (long id : ids) {
            nextId = id + 1;
            Path p = segmentPath(id);
            if (id < frontSeg) {
                Files.deleteIfExists(p); // wholly acknowledged before the restart
                continue;
            }
            long start = first && id == frontSeg ? frontOff : 0;
            Segment seg = new Segment(id, p, 0);
            long[] counts = scan(seg, start, id == readSegId ? readOffset : (id < readSegId ? Long.MAX_VALUE : 0));
            if (first) {
                readSeg = seg;
                readOff = Math.min(start, seg.size);
                first = false;
            }
            segments.addLast(seg);
            waiting += (int) counts[0];
            bytes += counts[1];
            replayed += counts[2];
            totalRecords += counts[0];
        }
        writeSeg = new Segment(nextId, segmentPath(nextId), 0);
        writeCh = FileChannel.open(writeSeg.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        segments.addLast(writeSeg);
        if (readSeg == null) {
            readSeg = writeSeg;
            readOff = 0;
        }
        if (replayed > 0) {
            LOG.warn("disk buffer '{}': resuming with {} records from {}; {} of them may have been delivered "
                    + "before the restart and are sent again", name, totalRecords, dir, replayed);
        } else if (totalRecords > 0) {
            LOG.info("disk buffer '{}': resuming with {} records from {}; {} of them may have been delivered "
                    + "before the restart and are sent again", name, totalRecords, dir, replayed);
        }
        writeCheckpoint();
    }

    /**
     * Validates the frames of {@code seg} from {@code start}; cuts the file at the first bad one.
     *
     * @return records, bytes, and records before {@code readBefore} (handed out before the restart)
     */
    private long[] scan(Segment seg, long start, long readBefore) throws IOException {
        long records = 0;
        long frameBytes = 0;
        long before = 0;
        try (FileChannel ch = FileChannel.open(seg.path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long fileSize = ch.size();
            long off = start;
            ByteBuffer head = ByteBuffer.allocate(HEADER);
            ByteBuffer payload = ByteBuffer.allocate(64 * 1024);
            String bad = null;
            while (off < fileSize) {
                head.clear();
                if (readFully(ch, head, off) < HEADER) {
                    bad = "torn frame header";
                    break;
                }
                int len = head.getInt(0);
                int sum = head.getInt(4);
                if (len <= 0 || len > MAX_FRAME || off + HEADER + len > fileSize) {
                    bad = "bad frame length " + len;
                    break;
                }
                if (payload.capacity() < len) {
                    payload = ByteBuffer.allocate(len);
                }
                payload.clear().limit(len);
                readFully(ch, payload, off + HEADER);
                crc.reset();
                crc.update(payload.array(), 0, len);
                if ((int) crc.getValue() != sum) {
                    bad = "CRC mismatch";
                    break;
                }
                if (off < readBefore) {
                    before++;
                }
                records++;
                frameBytes += HEADER + len;
                off += HEADER + len;
            }
            if (bad != null) {
                long cut = fileSize - off;
                corrupted++;
                events.lost(1);
                LOG.warn("disk buffer '{}': {} at offset {} of {}; cut off the last {} bytes of the segment "
                        + "(at least one record lost)", name, bad, off, seg.path, cut);
                ch.truncate(off);
                ch.force(true);
            }
            seg.size = off;
        }
        return new long[] {records, frameBytes, before};
    }

    private static int readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        int total = 0;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private Path segmentPath(long id) {
        return dir.resolve(String.format("%020d%s", id, SUFFIX));
    }

    // ---- BufferStore

    @Override
    public int waiting() {
        return waiting;
    }

    @Override
    public boolean isFull(long incoming, BufferSpec spec) {
        return bytes > 0 && bytes + incoming > spec.maxBytes();
    }

    @Override
    public long sizeOf(LogRecord r) {
        ByteBuffer b = encodeBuf.get();
        b.clear();
        b = RecordCodec.encode(r, b);
        encodeBuf.set(b);
        return HEADER + b.position();
    }

    @Override
    public boolean append(LogRecord r, long size) {
        // sizeOf ran on this thread just before: the encoded record is in its buffer
        ByteBuffer payload = encodeBuf.get();
        int len = payload.position();
        if (closed) {
            return false;
        }
        try {
            if (writeSeg.size >= segmentBytes) {
                roll();
            }
            crc.reset();
            crc.update(payload.array(), 0, len);
            ByteBuffer out = writeBuf;
            if (HEADER + len > out.capacity()) {
                out = ByteBuffer.allocate(HEADER + len);
            }
            out.clear();
            out.putInt(len).putInt((int) crc.getValue());
            out.put(payload.array(), 0, len);
            out.flip();
            long pos = writeSeg.size;
            while (out.hasRemaining()) {
                pos += writeCh.write(out, pos);
            }
            if (syncEachAppend) {
                writeCh.force(false);
            }
        } catch (IOException e) {
            LOG.warn("disk buffer '{}': cannot append to {}: {}; record dropped", name, writeSeg.path, e.toString());
            try {
                writeCh.truncate(writeSeg.size); // no half frame stays behind
            } catch (IOException ignored) {
                // the next start cuts it off by its CRC
            }
            return false;
        }
        writeSeg.size += HEADER + len;
        waiting++;
        bytes += HEADER + len;
        if (syncEachAppend) {
            events.released(List.of(r));
        } else {
            synchronized (this) {
                unsynced.add(r);
            }
        }
        return true;
    }

    private void roll() throws IOException {
        long id = writeSeg.id + 1;
        Segment next = new Segment(id, segmentPath(id), 0);
        FileChannel ch = FileChannel.open(next.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        synchronized (this) {
            // forced and closed by the next sync, off the appending thread: an fsync of a whole
            // segment can take long on a busy disk
            rolled.add(writeCh);
            writeSeg = next;
            writeCh = ch;
        }
        segments.addLast(writeSeg);
        if (syncEachAppend) {
            forceRolled();
        }
    }

    /** Forces and closes the channels of rolled segments, and the directory that got new entries. */
    private void forceRolled() throws IOException {
        List<FileChannel> old;
        synchronized (this) {
            if (rolled.isEmpty()) {
                return;
            }
            old = new ArrayList<>(rolled);
            rolled.clear();
        }
        for (FileChannel c : old) {
            try {
                c.force(false);
            } finally {
                c.close();
            }
        }
        // the new files' directory entries must survive a crash too
        forceDirectory();
    }

    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("cannot sync directory {}: {}", dir, e.toString());
        }
    }

    @Override
    public LogRecord next(long position) {
        while (waiting > 0) {
            if (readOff >= readSeg.size) {
                if (readSeg == writeSeg) {
                    return null;
                }
                advanceSegment();
                continue;
            }
            long start = readOff;
            try {
                if (!ensure(start, HEADER)) {
                    skipRest("torn frame header");
                    continue;
                }
                int len = window.getInt((int) (start - windowStart));
                int sum = window.getInt((int) (start - windowStart) + 4);
                if (len <= 0 || len > MAX_FRAME || start + HEADER + len > readSeg.size || !ensure(start, HEADER + len)) {
                    skipRest("bad frame length " + len);
                    continue;
                }
                int at = (int) (start - windowStart) + HEADER;
                crc.reset();
                crc.update(window.array(), at, len);
                if ((int) crc.getValue() != sum) {
                    skipRest("CRC mismatch");
                    continue;
                }
                LogRecord r = RecordCodec.decode(ByteBuffer.wrap(window.array(), at, len).slice());
                readOff = start + HEADER + len;
                waiting--;
                inFlight.addLast(new InFlight(position, readSeg.id, start, HEADER + len));
                return r;
            } catch (IOException | IllegalArgumentException e) {
                skipRest(e.toString());
            }
        }
        return null;
    }

    /** Makes {@code [pos, pos+n)} of the read segment available in {@link #window}. */
    private boolean ensure(long pos, int n) throws IOException {
        if (pos >= windowStart && pos + n <= windowStart + windowLen) {
            return true;
        }
        if (readCh == null) {
            readCh = FileChannel.open(readSeg.path, StandardOpenOption.READ);
        }
        if (window.capacity() < n) {
            window = ByteBuffer.allocate(n);
        }
        window.clear();
        int want = (int) Math.min(window.capacity(), readSeg.size - pos);
        window.limit(Math.max(want, 0));
        int got = readFully(readCh, window, pos);
        windowStart = pos;
        windowLen = got;
        return got >= n;
    }

    /** A bad frame found while reading: the rest of the segment cannot be trusted. */
    private void skipRest(String why) {
        long cut = readSeg.size - readOff;
        // the records of the cut part are those counted as waiting that the later segments do not hold
        corrupted++;
        LOG.warn("disk buffer '{}': {} at offset {} of {}; skipping the last {} bytes of the segment "
                + "(at least one record lost)", name, why, readOff, readSeg.path, cut);
        long lostRecords = recountAfterSkip();
        bytes -= cut;
        readSeg.size = readOff;
        events.lost(Math.max(1, lostRecords));
    }

    /** Records of the skipped part: those counted as waiting beyond what later segments hold. */
    private long recountAfterSkip() {
        long later = 0;
        boolean after = false;
        for (Segment s : segments) {
            if (after) {
                later += countFrames(s);
            }
            if (s == readSeg) {
                after = true;
            }
        }
        long lostRecords = waiting - later;
        waiting = (int) later;
        return lostRecords;
    }

    private long countFrames(Segment s) {
        if (s == writeSeg && s.size == 0) {
            return 0;
        }
        long n = 0;
        try (FileChannel ch = FileChannel.open(s.path, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(HEADER);
            long off = 0;
            while (off < s.size) {
                head.clear();
                if (readFully(ch, head, off) < HEADER) {
                    break;
                }
                off += HEADER + head.getInt(0);
                n++;
            }
        } catch (IOException e) {
            LOG.debug("counting frames of {}: {}", s.path, e.toString());
        }
        return n;
    }

    private void advanceSegment() {
        closeReader();
        Iterator<Segment> it = segments.iterator();
        while (it.hasNext()) {
            if (it.next() == readSeg) {
                break;
            }
        }
        readSeg = it.next();
        readOff = 0;
        deleteReleased();
    }

    private void closeReader() {
        if (readCh != null) {
            try {
                readCh.close();
            } catch (IOException ignored) {
                // read-only channel
            }
            readCh = null;
        }
        windowStart = 0;
        windowLen = 0;
    }

    @Override
    public boolean dropOldest() {
        if (waiting == 0) {
            return false;
        }
        int before = inFlight.size();
        LogRecord r = next(0);
        if (r == null) {
            return false;
        }
        InFlight f = inFlight.pollLast();
        if (inFlight.size() != before) {
            throw new IllegalStateException("in-flight bookkeeping broken");
        }
        bytes -= f.frame();
        deleteReleased();
        return true;
    }

    @Override
    public boolean ack(long received) {
        InFlight f = inFlight.peekFirst();
        if (f == null || f.position() > received) {
            return false;
        }
        while (f != null && f.position() <= received) {
            inFlight.pollFirst();
            bytes -= f.frame();
            f = inFlight.peekFirst();
        }
        deleteReleased();
        if (closed) {
            // the sink confirms its last records after the buffer completed: keep the position exact
            try {
                writeCheckpoint();
            } catch (IOException e) {
                LOG.warn("disk buffer '{}': cannot save checkpoint: {}", name, e.toString());
            }
        }
        return true;
    }

    /** Deletes segments before the first record still needed. */
    private void deleteReleased() {
        long frontSeg = inFlight.isEmpty() ? readSeg.id : inFlight.peekFirst().segment();
        while (!segments.isEmpty() && segments.peekFirst().id < frontSeg) {
            Segment s = segments.pollFirst();
            try {
                Files.deleteIfExists(s.path);
            } catch (IOException e) {
                LOG.warn("disk buffer '{}': cannot delete delivered segment {}: {}", name, s.path, e.toString());
            }
        }
    }

    @Override
    public long cancel() {
        // records stay on disk for the next start, from the first one not acknowledged: nothing is dropped
        return 0;
    }

    /** Flushes appended records to the device, saves the checkpoint, releases what became durable. */
    @Override
    public void sync() {
        List<LogRecord> done;
        FileChannel ch;
        synchronized (this) {
            done = unsynced;
            unsynced = new ArrayList<>();
            ch = writeCh;
        }
        try {
            forceRolled();
            if (ch.isOpen()) {
                ch.force(false);
            }
        } catch (java.nio.channels.ClosedChannelException closing) {
            // closed meanwhile: close() forced it
        } catch (IOException e) {
            LOG.warn("disk buffer '{}': sync failed: {}", name, e.toString());
            synchronized (this) {
                done.addAll(unsynced);
                unsynced = done;
            }
            return;
        }
        if (!done.isEmpty()) {
            events.released(done);
        }
    }

    /** The checkpoint of the current positions, to save without the lock; null once closed. */
    Checkpoint checkpoint() {
        return closed ? null : new Checkpoint(++checkpointSeq, checkpointText());
    }

    /** A checkpoint's text, numbered so that an older one never replaces a newer one. */
    record Checkpoint(long seq, String text) {
    }

    private String checkpointText() {
        long frontSeg;
        long frontOff;
        if (inFlight.isEmpty()) {
            frontSeg = readSeg.id;
            frontOff = readOff;
        } else {
            frontSeg = inFlight.peekFirst().segment();
            frontOff = inFlight.peekFirst().offset();
        }
        return "# logrouter disk buffer: first record not yet delivered, and the read position\n"
                + "segment=" + frontSeg + "\noffset=" + frontOff + "\nread_segment=" + readSeg.id
                + "\nread_offset=" + readOff + "\n";
    }

    private void writeCheckpoint() throws IOException {
        save(new Checkpoint(++checkpointSeq, checkpointText()));
    }

    /**
     * Replaces the checkpoint file atomically (temporary file, fsync, rename). Called without the
     * buffer's lock by the periodic sync, since an fsync can take long on a busy disk.
     */
    void save(Checkpoint c) throws IOException {
        synchronized (checkpointFile) {
            if (c.seq() <= savedCheckpointSeq) {
                return;
            }
            Path tmp = dir.resolve("checkpoint.tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(c.text().getBytes(StandardCharsets.US_ASCII));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(tmp, checkpointFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            savedCheckpointSeq = c.seq();
        }
    }

    /** segment, offset, read segment, read offset; null when there is no (readable) checkpoint. */
    private long[] readCheckpoint() {
        String text;
        try {
            text = Files.readString(dir.resolve("checkpoint"), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOG.warn("disk buffer '{}': unreadable checkpoint, replaying every segment: {}", name, e.toString());
            return null;
        }
        long[] v = {-1, 0, -1, 0};
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (line.startsWith("#") || eq < 0) {
                continue;
            }
            try {
                long n = Long.parseLong(line.substring(eq + 1).trim());
                switch (line.substring(0, eq).trim()) {
                    case "segment" -> v[0] = n;
                    case "offset" -> v[1] = n;
                    case "read_segment" -> v[2] = n;
                    case "read_offset" -> v[3] = n;
                    default -> { }
                }
            } catch (NumberFormatException e) {
                LOG.warn("disk buffer '{}': bad checkpoint line '{}', replaying every segment", name, line);
                return null;
            }
        }
        return v[0] < 0 ? null : v;
    }

    @Override
    public void close() {
        if (closed || writeCh == null) {
            closeLock();
            return;
        }
        try {
            forceRolled();
            writeCh.force(false);
            writeCheckpoint();
        } catch (IOException e) {
            LOG.warn("disk buffer '{}': closing: {}", name, e.toString());
        }
        closed = true;
        List<LogRecord> done;
        synchronized (this) {
            done = unsynced;
            unsynced = new ArrayList<>();
        }
        if (!done.isEmpty()) {
            events.released(done);
        }
        closeReader();
        try {
            writeCh.close();
        } catch (IOException ignored) {
            // forced above
        }
        closeLock();
    }

    private void closeLock() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException ignored) {
            // the lock dies with the channel
        }
    }

    /** Corrupt regions found (torn or bad frames cut off). */
    long corrupted() {
        return corrupted;
    }

    /** Records read back after a restart that had been handed out before it (possible duplicates). */
    long replayed() {
        return replayed;
    }

    /** Bytes of frames not yet acknowledged. */
    long bytes() {
        return bytes;
    }
}
