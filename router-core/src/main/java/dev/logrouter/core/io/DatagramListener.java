package dev.logrouter.core.io;

import dev.logrouter.core.source.Demand;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.udp.UdpServer;

/**
 * The datagram side of a source, UDP or a Unix datagram socket ({@code /dev/log}): receives datagrams (UDP
 * on the source's intake loop, a Unix socket on a receive thread of its own) and hands each one, whole, to
 * a {@link Receiver}, in order, on that thread. The policies every datagram input shares live here:
 * <ul>
 *   <li>a datagram larger than {@code maxBytes} is cut to {@code maxBytes} and marked so (the buffer is one
 *       byte larger than the limit to tell a cut datagram from one that fits exactly); an empty datagram
 *       is handed on like any other;</li>
 *   <li>a 4 MiB kernel receive buffer; reading follows the source's {@link Demand} (UDP: auto-read off,
 *       {@link ReadPause}; a Unix socket's thread waits): UDP has no backpressure, so what overflows the
 *       kernel buffer while paused is the kernel's drop, while a Unix socket's writers block;</li>
 *   <li>receiving that ends while the source runs (a failed read, the socket closed underneath) is
 *       reported to {@code stopped} once, so the source fails visibly instead of going quiet or retrying
 *       in a loop.</li>
 * </ul>
 */
public final class DatagramListener {

    /** Receives one datagram. Called on one thread at a time, in order; must not block. */
    public interface Receiver {
        /**
         * @param data   the payload, at most {@code maxBytes}; the receiver's to keep
         * @param cut    true when the datagram was longer than {@code maxBytes}
         * @param sender the sender's address; {@code null} for a Unix socket (its senders are usually unnamed)
         */
        void datagram(byte[] data, boolean cut, SocketAddress sender);
    }

    /** UDP payloads are at most 65,507 bytes. */
    public static final int MAX_DATAGRAM = 65507;

    private final String description;
    private final int maxBytes;
    private final Receiver receiver;
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /**
     * @param description names the source in errors, e.g. {@code "udp source agg"}
     * @param maxBytes    longest payload kept (over UDP at most {@link #MAX_DATAGRAM}, which keeps every
     *                    datagram whole)
     */
    public DatagramListener(String description, int maxBytes, Receiver receiver) {
        this.description = description;
        this.maxBytes = maxBytes;
        this.receiver = receiver;
    }

    /**
     * Binds the UDP {@code address} on {@code loops}; fails (an unchecked exception) when it cannot.
     * {@code stopped} gets the reason when receiving ends before the returned connection is disposed.
     */
    // RCVBUF_ALLOCATOR is deprecated in Netty 4.2 but still the way to size a datagram read
    @SuppressWarnings("deprecation")
    public Connection bind(InetSocketAddress address, IntakeLoops loops, Demand<?> demand, Consumer<IOException> stopped) {
        int max = Math.min(maxBytes, MAX_DATAGRAM);
        AtomicBoolean reported = new AtomicBoolean();
        Consumer<Throwable> stop = cause -> {
            if (!stopping && reported.compareAndSet(false, true)) {
                stopped.accept(new IOException(description + ": stopped receiving"
                        + (cause == null ? " (socket closed)" : ": " + cause), cause));
            }
        };
        Connection c = UdpServer.create()
                .runOn(loops.resources())
                .bindAddress(() -> address)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(max + 1))
                .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
                .doOnBound(conn -> {
                    open.add(conn.channel());
                    // a socket closed under the source (Reactor Netty cancels the handler then, no signal)
                    conn.channel().closeFuture().addListener(f -> stop.accept(null));
                })
                .doOnUnbound(conn -> open.remove(conn.channel()))
                .handle((in, out) -> {
                    AtomicReference<Channel> channel = new AtomicReference<>();
                    in.withConnection(conn -> channel.set(conn.channel()));
                    Channel ch = channel.get();
                    return in.receiveObject().doOnNext(o -> {
                        if (o instanceof DatagramPacket p) {
                            ByteBuf b = p.content();
                            int n = b.readableBytes();
                            byte[] data = new byte[Math.min(n, max)];
                            b.getBytes(b.readerIndex(), data);
                            receiver.datagram(data, n > max, p.sender());
                            ReadPause.afterRead(ch, demand);
                        }
                    }).then().doOnEach(signal -> {
                        if (signal.isOnError() || signal.isOnComplete()) {
                            stop.accept(signal.getThrowable());
                        }
                    });
                })
                .bindNow(Duration.ofSeconds(10));
        return new Connection() {
            @Override
            public io.netty.channel.Channel channel() {
                return c.channel();
            }

            @Override
            public void dispose() {
                stopping = true;
                c.dispose();
            }
        };
    }

    /**
     * Binds a Unix datagram socket at {@code path} following the {@link SocketFile} policy (a live socket
     * or a non-socket there is refused; {@code mode} as in {@link SocketFile}) and receives on a thread of
     * its own, which waits for demand before each read (a full socket buffer then blocks the writers);
     * disposing the returned handle closes the socket, ends the thread and removes the file. A receive
     * that fails or finds the socket closed while not disposed is reported to {@code stopped} once, and
     * the file is removed (nothing serves it any more).
     *
     * <p>Why a thread and not the event loop: one blocking {@code read} per datagram measured half the
     * CPU per record of Netty's domain datagram channel (epoll wake-up, then reads until EAGAIN) with
     * {@code bench/intake syslog}; see docs/benchmarks.md.
     *
     * @throws IOException when the path cannot be bound
     */
    public UnixSocket bind(Path path, int mode, Demand<?> demand, Consumer<IOException> stopped) throws IOException {
        SocketFile file = new SocketFile(path, mode);
        AFUNIXDatagramChannel ch = file.bind(at -> {
            AFUNIXDatagramChannel c = AFUNIXDatagramChannel.open();
            try {
                c.bind(AFUNIXSocketAddress.of(at));
                c.setOption(StandardSocketOptions.SO_RCVBUF, 4 * 1024 * 1024);
            } catch (IOException e) {
                c.close();
                throw e;
            }
            return c;
        });
        UnixSocket socket = new UnixSocket(ch, file, demand, stopped);
        socket.thread.start();
        return socket;
    }

    /** A bound Unix datagram socket and its receive thread. */
    public final class UnixSocket implements Disposable {
        private final AFUNIXDatagramChannel channel;
        private final SocketFile file;
        private final Demand<?> demand;
        private final Thread thread;
        private volatile boolean disposed;

        private UnixSocket(AFUNIXDatagramChannel channel, SocketFile file, Demand<?> demand,
                Consumer<IOException> stopped) {
            this.channel = channel;
            this.file = file;
            this.demand = demand;
            this.thread = new Thread(() -> receive(stopped), description + " receiver");
            thread.setDaemon(true);
        }

        private void receive(Consumer<IOException> stopped) {
            try {
                receiveUntilDisposed();
            } catch (InterruptedException e) {
                // disposed while waiting for demand
            } catch (IOException | RuntimeException e) {
                // a failed read, the socket closed underneath, or a receiver that threw: never silent
                if (!disposed) {
                    stopped.accept(new IOException(description + ": stopped receiving: " + e, e));
                    try {
                        channel.close();
                    } catch (IOException closing) {
                        // closing anyway
                    }
                    file.remove();
                }
            }
        }

        private void receiveUntilDisposed() throws IOException, InterruptedException {
            // one byte more than allowed tells a datagram that was cut from one that fits exactly
            ByteBuffer buf = ByteBuffer.allocateDirect(maxBytes + 1);
            while (!disposed) {
                buf.clear();
                demand.await();
                // read, not receive: the sender's address is not needed and costs an object per datagram
                channel.read(buf);
                int n = buf.position();
                byte[] data = new byte[Math.min(n, maxBytes)];
                buf.get(0, data, 0, data.length);
                receiver.datagram(data, n > maxBytes, null);
            }
        }

        /** The socket, for a test that closes it underneath. */
        AFUNIXDatagramChannel channel() {
            return channel;
        }

        @Override
        public void dispose() {
            disposed = true;
            try {
                channel.close();
            } catch (IOException e) {
                // closing anyway
            }
            demand.release();
            // a caller that may wait finds the thread ended and the file gone on return
            if (!Schedulers.isInNonBlockingThread()) {
                try {
                    thread.join(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            file.remove();
        }

        @Override
        public boolean isDisposed() {
            return disposed;
        }
    }

    /** The bound socket with whether it is open and reading: for diagnosing a source that stopped delivering. */
    public String describeChannels() {
        return ChannelDescription.of(open);
    }
}
