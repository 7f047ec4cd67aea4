package dev.logrouter.core.fdsocket;

import dev.logrouter.core.metrics.CounterSet;
import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.source.Demand;
import dev.logrouter.core.source.LogSource;
import dev.logrouter.core.source.SourceFlux;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The memlogd-compatible log socket: an AF_UNIX SOCK_DGRAM socket that receives file descriptors
 * (SCM_RIGHTS) each named by the datagram's payload, and reads every fd to EOF as lines of text.
 *
 * <p>Records: {@code source} = the config name, {@code service}/{@code stream} from the name (see
 * {@link MemlogdName}: {@code NAME.out} is stdout of {@code NAME}, plain {@code NAME} is its stderr),
 * level {@code info}, time = when the bytes were read, and field {@value FieldNames#MEMLOGD_NAME} = the raw name
 * as received (what memlogd's query output calls {@code source}). Lines longer than
 * {@code max_line_bytes} become consecutive partial records; an unterminated line is flushed at EOF and
 * after the idle timeout.
 *
 * <p>All fds are read by one epoll event loop (no thread per fd); one thread receives datagrams.
 * Datagrams without an fd or with an empty name, and fds that cannot be polled, are dropped and
 * counted in {@link #counters()}; a rejected fd also produces a {@code logrouter} warning record.
 *
 * <p>{@link #records()}: cold. Subscribing binds the socket (replacing a stale socket file, applying
 * the mode); cancelling closes it, closes every fd still open (flushing their pending lines) and
 * removes the socket file. Records are emitted on the event loop thread. Backpressure: without
 * demand (the router stops requesting while a {@code when_full: block} sink it feeds is full) the
 * loop stops polling the pipes (each leaves epoll when it is next readable, after at most one read
 * beyond the demand) and their writers block on a full pipe; it polls them again when demand comes.
 * Datagrams are still received meanwhile. Nothing is replayed. A bind failure is signalled as an error.
 */
public final class FdSocketSource implements LogSource {


    /** Longer names are cut, as memlogd reads the payload into a 512-byte buffer. */
    public static final int MAX_NAME_BYTES = 512;

    private final FdSocketSpec spec;
    private final Scheduler timer;

    private final CounterSet counters = new CounterSet();
    final AtomicLong datagrams = counters.counter("datagrams");
    final AtomicLong fdsReceived = counters.counter("fds_received");
    final AtomicLong fdsClosed;
    final AtomicLong ignoredNoFd;
    final AtomicLong ignoredEmptyName;
    final AtomicLong rejectedFds;
    final AtomicLong readErrors;
    final AtomicLong receiveErrors;
    /** Bytes read from all fds and records emitted: the router's standard set tells users; for tests. */
    final AtomicLong bytes = counters.unlisted("bytes");
    final AtomicLong lines = counters.unlisted("lines");

    public FdSocketSource(FdSocketSpec spec) {
        this(spec, Schedulers.parallel());
    }

    /** @param timer drives idle flushes (a virtual-time scheduler in tests) */
    public FdSocketSource(FdSocketSpec spec, Scheduler timer) {
        this.spec = spec;
        this.timer = timer;
        counters.level("fds_open", this::fdsOpen);
        fdsClosed = counters.counter("fds_closed");
        ignoredNoFd = counters.counter("ignored_no_fd");
        ignoredEmptyName = counters.counter("ignored_empty_name");
        rejectedFds = counters.counter("rejected_fds");
        readErrors = counters.counter("read_errors");
        receiveErrors = counters.counter("receive_errors");
    }

    /** Fds being read now: received, neither closed nor rejected. */
    private long fdsOpen() {
        return Math.max(0, fdsReceived.get() - fdsClosed.get() - rejectedFds.get());
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public String type() {
        return "fd_socket";
    }

    public FdSocketSpec spec() {
        return spec;
    }

    /** A snapshot of {@link #counters()}, with bytes read and records emitted. */
    FdSocketStats stats() {
        return new FdSocketStats(datagrams.get(), fdsReceived.get(), fdsOpen(), fdsClosed.get(),
                ignoredNoFd.get(), ignoredEmptyName.get(), rejectedFds.get(), readErrors.get(), receiveErrors.get(),
                bytes.get(), lines.get());
    }

    @Override
    public CounterSet counters() {
        return counters;
    }

    @Override
    public Flux<LogRecord> records() {
        return SourceFlux.create(sink -> {
            FdSocketSession session = new FdSocketSession(this, spec, timer, sink, Demand.of(sink));
            try {
                session.start();
            } catch (IOException | RuntimeException e) {
                session.stop();
                sink.error(new IOException("fd socket " + spec.name() + ": cannot bind " + spec.path() + ": "
                        + e.getMessage(), e));
                return;
            }
            sink.onDispose(session::stop);
        });
    }

    LogRecord selfLog(Level level, String msg) {
        return new LogRecord(LogRecord.NO_CURSOR, LogRecord.now(), spec.name(), LogRecord.SELF_SERVICE, "log", level,
                msg, Map.of("fd_socket", spec.name()), LogRecord.Kind.NORMAL);
    }

    static boolean isClosed(IOException e) {
        return e instanceof ClosedChannelException || e instanceof AsynchronousCloseException;
    }

    static void closeQuietly(FileDescriptor fd) {
        try {
            // FileInputStream.close closes the fd and invalidates the FileDescriptor object, so nothing
            // can close the same number again after the kernel reuses it
            new java.io.FileInputStream(fd).close();
        } catch (IOException e) {
            // nothing more to do with it
        }
    }
}
