package dev.logrouter.core.io;

import dev.logrouter.core.source.Demand;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import reactor.netty.Connection;
import reactor.core.scheduler.Schedulers;
import reactor.netty.udp.UdpServer;

/**
 * The datagram side of a source, UDP or a Unix datagram socket ({@code /dev/log}): receives datagrams on
 * the source's intake loop and hands each one, whole, to a {@link Receiver}, in order, on that loop. The
 * policies every datagram input shares live here:
 * <ul>
 *   <li>a datagram larger than {@code maxBytes} is cut to {@code maxBytes} and marked so (the buffer is one
 *       byte larger than the limit to tell a cut datagram from one that fits exactly); an empty datagram
 *       is handed on like any other;</li>
 *   <li>a 4 MiB kernel receive buffer; reading follows the source's {@link Demand} ({@link ReadPause}):
 *       UDP has no backpressure, so what overflows the kernel buffer while paused is the kernel's drop;</li>
 *   <li>receiving that ends while the source runs (Reactor Netty closes the socket when its handler
 *       ends) is reported to {@code stopped}, so the source fails visibly instead of going quiet.</li>
 * </ul>
 */
public final class DatagramListener {

    /** Receives one datagram. Called on the source's event loop only; must not block. */
    public interface Receiver {
        /**
         * @param data   the payload, at most {@code maxBytes}; the receiver's to keep
         * @param cut    true when the datagram was longer than {@code maxBytes}
         * @param sender the sender's address (a Unix datagram's sender usually has none: an empty path)
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
    public Connection bind(InetSocketAddress address, IntakeLoops loops, Demand<?> demand, Consumer<IOException> stopped) {
        return bind(address, Math.min(maxBytes, MAX_DATAGRAM), loops, demand, stopped);
    }

    /**
     * Binds a Unix datagram socket at {@code path} following the {@link SocketFile} policy (a live socket
     * or a non-socket there is refused; {@code mode} as in {@link SocketFile}); disposing the returned
     * connection closes it and removes the file. Otherwise as {@link #bind(InetSocketAddress, IntakeLoops,
     * Demand, Consumer)}.
     *
     * @throws IOException when the path cannot be bound
     */
    public Connection bind(Path path, int mode, IntakeLoops loops, Demand<?> demand, Consumer<IOException> stopped)
            throws IOException {
        SocketFile file = new SocketFile(path, mode);
        Connection bound = file.bindChannel(at -> bind(new DomainSocketAddress(at.toString()), maxBytes, loops, demand,
                stopped));
        // The file goes once the socket is closed, also when it closes on its own (SocketFile.remove keeps
        // a file something still serves); off the event loop, which must not touch the file system.
        bound.onDispose().doFinally(s -> Schedulers.boundedElastic().schedule(file::remove)).subscribe(null, e -> { });
        return new Connection() {
            @Override
            public Channel channel() {
                return bound.channel();
            }

            @Override
            public void dispose() {
                bound.dispose();
                // a caller that may wait finds the file gone on return; an event loop must not wait
                if (!Schedulers.isInNonBlockingThread()) {
                    try {
                        bound.onDispose().block(Duration.ofSeconds(10));
                    } catch (RuntimeException notClosedInTime) {
                        return;
                    }
                    file.remove();
                }
            }
        };
    }

    // RCVBUF_ALLOCATOR is deprecated in Netty 4.2 but still the way to size a datagram read
    @SuppressWarnings("deprecation")
    private Connection bind(SocketAddress address, int max, IntakeLoops loops, Demand<?> demand,
            Consumer<IOException> stopped) {
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
                .handle((in, out) -> in.receiveObject().doOnNext(o -> {
                    // a UDP DatagramPacket or a Unix DomainDatagramPacket
                    if (o instanceof AddressedEnvelope<?, ?> p && p.content() instanceof ByteBuf b) {
                        int n = b.readableBytes();
                        byte[] data = new byte[Math.min(n, max)];
                        b.getBytes(b.readerIndex(), data);
                        receiver.datagram(data, n > max, p.sender());
                        in.withConnection(conn -> ReadPause.afterRead(conn.channel(), demand));
                    }
                }).then()
                        .doOnEach(signal -> {
                            if (signal.isOnError() || signal.isOnComplete()) {
                                stop.accept(signal.getThrowable());
                            }
                        }))
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

    /** The bound socket with whether it is open and reading: for diagnosing a source that stopped delivering. */
    public String describeChannels() {
        return ChannelDescription.of(open);
    }
}
