package dev.logrouter.core.fdsocket;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
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

/** One subscription of an {@link FdSocketSource}: the bound socket, its receiver thread and its event loop. */
final class FdSocketSession {

    /** Room for a few hundred fds in one datagram (4 bytes each plus the cmsg header). */
    private static final int ANCILLARY_BYTES = 4096;
    private static final int READ_BYTES = 64 * 1024;

    private final FdSocketSource source;
    private final FdSocketSpec spec;
    private final Scheduler timer;
    final FluxSink<LogRecord> sink;
    private final SocketFile file;

    private AFUNIXDatagramChannel channel;
    private IoEventLoopGroup group;
    private IoEventLoop loop;
    private Thread receiver;
    private Disposable idleTask;
    private volatile boolean stopped;

    // confined to the event loop thread
    private final Set<FdReader> readers = new LinkedHashSet<>();
    private final ByteBuffer direct = ByteBuffer.allocateDirect(READ_BYTES);
    private final byte[] heap = new byte[READ_BYTES];

    FdSocketSession(FdSocketSource source, FdSocketSpec spec, Scheduler timer, FluxSink<LogRecord> sink) {
        this.source = source;
        this.spec = spec;
        this.timer = timer;
        this.sink = sink;
        this.file = new SocketFile(spec.path(), spec.mode());
    }

    void start() throws IOException {
        file.prepare();
        channel = AFUNIXDatagramChannel.open();
        channel.bind(AFUNIXSocketAddress.of(spec.path()));
        file.bound();
        channel.setAncillaryReceiveBufferSize(ANCILLARY_BYTES);
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("fdsocket-" + spec.name(), true),
                EpollIoHandler.newFactory());
        loop = group.next();
        long idle = spec.idleFlush().toNanos();
        if (idle > 0) {
            long period = Math.max(1, idle / 2);
            idleTask = timer.schedulePeriodically(() -> {
                if (!loop.isShuttingDown()) {
                    loop.execute(this::flushIdle);
                }
            }, period, period, TimeUnit.NANOSECONDS);
        }
        receiver = new Thread(this::receiveLoop, "fdsocket-" + spec.name() + "-recv");
        receiver.setDaemon(true);
        receiver.start();
    }

    private void receiveLoop() {
        ByteBuffer buf = ByteBuffer.allocate(FdSocketSource.MAX_NAME_BYTES);
        while (!stopped) {
            buf.clear();
            FileDescriptor[] fds;
            try {
                channel.receive(buf);
                fds = channel.getReceivedFileDescriptors();
            } catch (IOException e) {
                if (stopped || FdSocketSource.isClosed(e)) {
                    return;
                }
                sink.next(source.selfLog(Level.ERR, "fd socket " + spec.name() + ": receive failed: " + e));
                // a persistent error must not turn into a busy loop of error records
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            source.datagrams.incrementAndGet();
            if (fds == null || fds.length == 0) {
                source.ignoredNoFd.incrementAndGet();
                continue;
            }
            if (buf.position() == 0) {
                source.ignoredEmptyName.addAndGet(1);
                for (FileDescriptor fd : fds) {
                    FdSocketSource.closeQuietly(fd);
                }
                continue;
            }
            String raw = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
            MemlogdName name = MemlogdName.map(raw, spec.stdoutSuffixes(), spec.stderrSuffixes());
            for (FileDescriptor fd : fds) {
                source.fdsReceived.incrementAndGet();
                register(fd, name);
            }
        }
    }

    private void register(FileDescriptor fd, MemlogdName name) {
        int number;
        try {
            number = FileDescriptorCast.using(fd).as(Integer.class);
        } catch (IOException | RuntimeException e) {
            reject(fd, name, e);
            return;
        }
        FdReader reader = new FdReader(this, fd, number, name, spec.name(), spec.maxLineBytes());
        if (loop.isShuttingDown()) {
            reader.closeFd();
            source.fdsClosed.incrementAndGet();
            return;
        }
        loop.register(reader).addListener(f -> {
            if (!f.isSuccess()) {
                reject(fd, name, f.cause());
                return;
            }
            IoRegistration reg = (IoRegistration) f.getNow();
            reader.registration = reg;
            reader.lastData = timer.now(TimeUnit.NANOSECONDS);
            try {
                // level-triggered: one read per readiness never blocks, even on a blocking fd
                reg.submit(EpollIoOps.EPOLLIN);
            } catch (RuntimeException e) {
                reg.cancel();
                reject(fd, name, e);
                return;
            }
            if (stopped) {
                finish(reader, false);
                return;
            }
            readers.add(reader);
        });
    }

    private void reject(FileDescriptor fd, MemlogdName name, Throwable why) {
        source.rejectedFds.incrementAndGet();
        FdSocketSource.closeQuietly(fd);
        sink.next(source.selfLog(Level.WARNING, "fd socket " + spec.name() + ": closed the fd sent as '" + name.raw()
                + "' unread: it cannot be polled (not a pipe, socket or FIFO): " + why.getMessage()));
    }

    /** Called on the event loop when an fd is readable or hung up. */
    void read(FdReader r) {
        if (r.closed) {
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
        }
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
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        if (receiver != null && receiver != Thread.currentThread()) {
            try {
                receiver.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (group != null) {
            try {
                loop.submit(() -> {
                    for (FdReader r : new ArrayList<>(readers)) {
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
