package dev.logrouter.core.fdsocket;

import dev.logrouter.core.io.SocketFile;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.source.Demand;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.FileDescriptorCast;
import reactor.core.Disposable;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Scheduler;

/**
 * One subscription of an {@link FdSocketSource}: the bound socket and the event loop that receives its
 * datagrams and reads every fd they carry.
 *
 * <p>Ownership, which keeps stop free of lock-order inversions: junixsocket tracks every fd it receives
 * in a map that closing the socket walks (map lock, then each fd's lock), while closing a received fd
 * takes the fd's lock, then the map's. So one thread, the event loop, does all of it: it receives (the
 * socket is polled by the same epoll as the pipes), duplicates each received fd into a
 * plain fd number owned by an {@link FdReader}, closes junixsocket's original at once, and on stop closes
 * the channel, then drains and closes the readers.
 */
final class FdSocketSession {

    private static final int READ_BYTES = 64 * 1024;

    private final FdSocketSource source;
    private final FdSocketSpec spec;
    private final Scheduler timer;
    final FluxSink<LogRecord> sink;
    final Demand<LogRecord> demand;
    private final SocketFile file;

    private AFUNIXDatagramChannel channel;
    private IoEventLoopGroup group;
    private IoEventLoop loop;
    private Disposable idleTask;
    private volatile boolean stopped;

    // confined to the event loop thread
    private final Set<FdReader> readers = new LinkedHashSet<>();
    private final ByteBuffer direct = ByteBuffer.allocateDirect(READ_BYTES);
    private final byte[] heap = new byte[READ_BYTES];
    private final ByteBuffer name = ByteBuffer.allocate(FdSocketSource.MAX_NAME_BYTES);
    private IoRegistration channelRegistration;
    /** Readers taken out of epoll while there is no demand; polled again when it comes. */
    private final java.util.List<FdReader> paused = new ArrayList<>();
    private boolean resumeScheduled;

    FdSocketSession(FdSocketSource source, FdSocketSpec spec, Scheduler timer, FluxSink<LogRecord> sink,
                    Demand<LogRecord> demand) {
        this.source = source;
        this.spec = spec;
        this.timer = timer;
        this.sink = sink;
        this.demand = demand;
        this.file = new SocketFile(spec.path(), spec.mode());
    }

    void start() throws IOException {
        channel = file.bind(at -> {
            AFUNIXDatagramChannel ch = AFUNIXDatagramChannel.open();
            try {
                ch.bind(AFUNIXSocketAddress.of(at));
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            return ch;
        });
        if (!AncillaryBuffer.allowMaxFds(channel)) {
            sink.next(source.selfLog(Level.WARNING, "fd socket " + spec.name() + ": cannot enlarge the ancillary "
                    + "buffer; datagrams with more than " + AncillaryBuffer.DEFAULT_MAX_FDS + " fds will be refused"));
        }
        int number = FileDescriptorCast.using(channel.getFileDescriptor()).as(Integer.class);
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("fdsocket-" + spec.name(), true),
                EpollIoHandler.newFactory());
        loop = group.next();
        ChannelHandle handle = new ChannelHandle(new io.netty.channel.unix.FileDescriptor(number));
        io.netty.util.concurrent.Future<IoRegistration> registered = loop.register(handle).awaitUninterruptibly();
        if (!registered.isSuccess()) {
            throw new IOException("cannot poll the socket: " + registered.cause(), registered.cause());
        }
        try {
            loop.submit(() -> {
                channelRegistration = registered.getNow();
                channelRegistration.submit(EpollIoOps.EPOLLIN);
            }).sync();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting", e);
        }
        long idle = spec.idleFlush().toNanos();
        if (idle > 0) {
            long period = Math.max(1, idle / 2);
            idleTask = timer.schedulePeriodically(() -> {
                if (!loop.isShuttingDown()) {
                    loop.execute(this::flushIdle);
                }
            }, period, period, TimeUnit.NANOSECONDS);
        }
    }

    /** The datagram socket as seen by epoll; the channel, not this handle, owns the fd. */
    private final class ChannelHandle implements EpollIoHandle {
        private final io.netty.channel.unix.FileDescriptor fd;

        ChannelHandle(io.netty.channel.unix.FileDescriptor fd) {
            this.fd = fd;
        }

        @Override
        public io.netty.channel.unix.FileDescriptor fd() {
            return fd;
        }

        /**
         * One datagram per readiness: the socket stays in blocking mode, where junixsocket tells a
         * zero-length datagram from an empty queue (non-blocking, it reports both as "nothing"), and a
         * readable socket that only this thread reads never blocks. Level-triggered epoll brings the loop
         * back for the next datagram, between reads of the pipes.
         */
        @Override
        public void handle(IoRegistration reg, IoEvent event) {
            if (!stopped) {
                receiveOne();
            }
        }

        @Override
        public void close() {
            closeChannel();
        }
    }

    /** On the event loop, when the socket is readable: receives one datagram. */
    private void receiveOne() {
        name.clear();
        FileDescriptor[] fds;
        try {
            channel.receive(name);
            fds = channel.getReceivedFileDescriptors();
        } catch (IOException e) {
            receiveFailed(e);
            return;
        }
        source.datagrams.incrementAndGet();
        if (fds == null || fds.length == 0) {
            source.ignoredNoFd.incrementAndGet();
            return;
        }
        if (name.position() == 0) {
            source.ignoredEmptyName.addAndGet(1);
            for (FileDescriptor fd : fds) {
                FdSocketSource.closeQuietly(fd);
            }
            return;
        }
        String raw = new String(name.array(), 0, name.position(), StandardCharsets.UTF_8);
        MemlogdName memlogdName = MemlogdName.map(raw, spec.stdoutSuffixes(), spec.stderrSuffixes());
        for (FileDescriptor fd : fds) {
            source.fdsReceived.incrementAndGet();
            register(fd, memlogdName);
        }
    }

    private void receiveFailed(IOException e) {
        if (stopped || FdSocketSource.isClosed(e)) {
            return;
        }
        // e.g. MSG_CTRUNC: the kernel could not install every fd (fd limit); the rest were closed by it
        source.receiveErrors.incrementAndGet();
        sink.next(source.selfLog(Level.ERR, "fd socket " + spec.name() + ": receive failed: " + e.getMessage()));
    }

    /** On the event loop: the only place the channel is closed (see the class comment). */
    private void closeChannel() {
        if (channelRegistration != null) {
            channelRegistration.cancel();
            channelRegistration = null;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** On the event loop: takes a private duplicate of the fd and closes junixsocket's original. */
    private void register(FileDescriptor fd, MemlogdName memlogdName) {
        int number;
        try {
            number = FileDescriptorCast.duplicating(fd).as(Integer.class);
        } catch (IOException | RuntimeException e) {
            reject(memlogdName, e);
            return;
        } finally {
            FdSocketSource.closeQuietly(fd);
        }
        FdReader reader = new FdReader(this, number, memlogdName, spec);
        reader.lastData = timer.now(TimeUnit.NANOSECONDS);
        poll(reader, true);
    }

    /** On the event loop: adds the reader to epoll (a new fd, or one {@link #pause}d before). */
    private void poll(FdReader reader, boolean fresh) {
        loop.register(reader).addListener(f -> {
            if (!f.isSuccess()) {
                if (fresh) {
                    reader.closeFd();
                    reject(reader.name, f.cause());
                } else {
                    source.readErrors.incrementAndGet();
                    finish(reader, true);
                }
                return;
            }
            IoRegistration reg = (IoRegistration) f.getNow();
            reader.registration = reg;
            try {
                // level-triggered: one read per readiness never blocks, even on a blocking fd
                reg.submit(EpollIoOps.EPOLLIN);
            } catch (RuntimeException e) {
                reg.cancel();
                reader.registration = null;
                if (fresh) {
                    reader.closeFd();
                    reject(reader.name, e);
                } else {
                    source.readErrors.incrementAndGet();
                    finish(reader, true);
                }
                return;
            }
            if (stopped) {
                finish(reader, false);
                return;
            }
            readers.add(reader);
        });
    }

    /**
     * On the event loop, instead of a read while there is no demand: takes the fd out of epoll (with
     * interest off a hung-up pipe would still wake the loop), so its writer fills the pipe and blocks.
     */
    private void pause(FdReader r) {
        r.registration.cancel();
        r.registration = null;
        paused.add(r);
        if (!resumeScheduled) {
            resumeScheduled = true;
            demand.whenAvailable(() -> {
                if (!loop.isShuttingDown()) {
                    loop.execute(this::resume);
                }
            });
        }
    }

    /** On the event loop, once there is demand again: polls every paused fd again. */
    private void resume() {
        resumeScheduled = false;
        if (stopped) {
            return;
        }
        java.util.List<FdReader> again = new ArrayList<>(paused);
        paused.clear();
        for (FdReader r : again) {
            if (!r.closed) {
                poll(r, false);
            }
        }
    }

    private void reject(MemlogdName memlogdName, Throwable why) {
        source.rejectedFds.incrementAndGet();
        sink.next(source.selfLog(Level.WARNING, "fd socket " + spec.name() + ": closed the fd sent as '"
                + memlogdName.raw() + "' unread: it cannot be polled (not a pipe, socket or FIFO): "
                + why.getMessage()));
    }

    /** Called on the event loop when an fd is readable or hung up. */
    void read(FdReader r) {
        if (r.closed || r.registration == null) {
            return;
        }
        if (!demand.has()) {
            pause(r);
            return;
        }
        int n;
        try {
            n = r.nettyFd.read(direct, 0, READ_BYTES);
        } catch (IOException e) {
            source.readErrors.incrementAndGet();
            finish(r, true);
            return;
        }
        if (n > 0) {
            source.bytes.addAndGet(n);
            direct.get(0, heap, 0, n);
            r.lastData = timer.now(TimeUnit.NANOSECONDS);
            r.readTime = LogRecord.now();
            long before = r.framer.emitted();
            r.framer.feed(heap, 0, n);
            source.lines.addAndGet(r.framer.emitted() - before);
        } else if (n < 0) {
            finish(r, true);
        }
    }

    /** Flushes the pending line, stops polling and closes the fd. On the event loop. */
    void finish(FdReader r, boolean emit) {
        if (r.closed) {
            return;
        }
        if (r.registration != null) {
            r.registration.cancel();
            r.registration = null;
        }
        paused.remove(r);
        if (emit) {
            r.readTime = LogRecord.now();
            long before = r.framer.emitted();
            r.framer.flush();
            source.lines.addAndGet(r.framer.emitted() - before);
        }
        r.closeFd();
        readers.remove(r);
        source.fdsClosed.incrementAndGet();
    }

    private void flushIdle() {
        long now = timer.now(TimeUnit.NANOSECONDS);
        long idle = spec.idleFlush().toNanos();
        for (FdReader r : readers) {
            if (r.framer.hasPending() && now - r.lastData >= idle) {
                r.readTime = LogRecord.now();
                long before = r.framer.emitted();
                r.framer.flush();
                source.lines.addAndGet(r.framer.emitted() - before);
            }
        }
    }

    void stop() {
        stopped = true;
        if (idleTask != null) {
            idleTask.dispose();
        }
        if (loop == null) {
            if (channel != null) {
                // the loop never ran, so no received fd exists to race with
                closeChannel();
            }
        } else {
            try {
                loop.submit(() -> {
                    closeChannel();
                    for (FdReader r : new ArrayList<>(readers)) {
                        finish(r, true);
                    }
                    // a paused fd left epoll but is still open
                    for (FdReader r : new ArrayList<>(paused)) {
                        finish(r, true);
                    }
                }).await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
        file.remove();
    }
}
