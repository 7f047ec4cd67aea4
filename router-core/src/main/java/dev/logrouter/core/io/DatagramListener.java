package dev.logrouter.core.io;

import dev.logrouter.core.source.Demand;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import reactor.netty.Connection;
import reactor.netty.udp.UdpServer;

/**
 * The UDP side of a network source: receives datagrams on the source's intake loop and hands each one,
 * whole, to a {@link Receiver}, in order, on that loop. The policies every UDP source shares live here:
 * <ul>
 *   <li>a datagram larger than {@code maxBytes} is cut to {@code maxBytes} and marked so (the buffer is one
 *       byte larger than the limit to tell a cut datagram from one that fits exactly);</li>
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
         * @param sender the sender's address
         */
        void datagram(byte[] data, boolean cut, InetSocketAddress sender);
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
     * @param maxBytes    longest payload kept ({@link #MAX_DATAGRAM} keeps every datagram whole)
     */
    public DatagramListener(String description, int maxBytes, Receiver receiver) {
        this.description = description;
        this.maxBytes = Math.min(maxBytes, MAX_DATAGRAM);
        this.receiver = receiver;
    }

    /**
     * Binds {@code address} on {@code loops}; fails (an unchecked exception) when it cannot. {@code stopped}
     * gets the reason when receiving ends before the returned connection is disposed.
     */
    // RCVBUF_ALLOCATOR is deprecated in Netty 4.2 but still the way to size a datagram read
    @SuppressWarnings("deprecation")
    public Connection bind(InetSocketAddress address, IntakeLoops loops, Demand<?> demand, Consumer<IOException> stopped) {
        Connection c = UdpServer.create()
                .runOn(loops.resources())
                .bindAddress(() -> address)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(maxBytes + 1))
                .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
                .doOnBound(conn -> open.add(conn.channel()))
                .doOnUnbound(conn -> open.remove(conn.channel()))
                .handle((in, out) -> in.receiveObject().doOnNext(o -> {
                    if (o instanceof DatagramPacket p) {
                        ByteBuf b = p.content();
                        int n = b.readableBytes();
                        byte[] data = new byte[Math.min(n, maxBytes)];
                        b.getBytes(b.readerIndex(), data);
                        receiver.datagram(data, n > maxBytes, p.sender());
                        in.withConnection(conn -> ReadPause.afterRead(conn.channel(), demand));
                    }
                }).then()
                        .doOnEach(signal -> {
                            if ((signal.isOnError() || signal.isOnComplete()) && !stopping) {
                                Throwable cause = signal.getThrowable();
                                stopped.accept(new IOException(description + ": stopped receiving"
                                        + (cause == null ? "" : ": " + cause), cause));
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
