package dev.logrouter.core.io;

import dev.logrouter.core.metrics.CounterSet;
import dev.logrouter.core.source.Demand;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

/**
 * The TCP side of a network source: accepts connections on the source's intake loop and hands each
 * connection's bytes to a {@link Connection} made for it (the source's framing and parsing), in order, on
 * that loop. The policies every TCP source shares live here:
 * <ul>
 *   <li>at most {@code maxConnections} at a time; more are closed at once and counted as rejected;</li>
 *   <li>reading follows the source's {@link Demand}: with none, the connection stops reading
 *       ({@link ReadPause}) and its sender sees a full TCP window;</li>
 *   <li>a connection that ends on an error (a reset, a failed read) is counted as failed and logged with
 *       its cause; either way {@link Connection#end()} runs, so a pending unterminated line is delivered.</li>
 * </ul>
 */
public final class StreamListener {

    private static final Logger LOG = LoggerFactory.getLogger(StreamListener.class);

    /** One connection's protocol adapter. Called on the connection's event loop only; must not block. */
    public interface Connection {
        /**
         * Bytes as read: {@code data[off, off + len)}, valid during this call only (the listener reads
         * the next ones into the same array: adapters frame and copy what they keep).
         */
        void bytes(byte[] data, int off, int len);

        /** The connection ended (closed by the peer, failed, or the source stopped). */
        void end();
    }

    /** Counts a source keeps across its listeners' lifetimes. */
    public record Counters(AtomicLong accepted, AtomicLong rejected, AtomicLong failed) {
        /**
         * The counters registered in a source's {@link CounterSet}, where {@code status} and metrics read
         * them: {@code connections}, {@code rejected_connections}, {@code connection_errors}.
         */
        public static Counters in(CounterSet set) {
            return new Counters(set.counter("connections"), set.counter("rejected_connections"),
                    set.counter("connection_errors"));
        }
    }

    private final String description;
    private final int maxConnections;
    private final Counters counters;
    private final Function<SocketAddress, Connection> connections;
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();

    /**
     * @param description names the source in log lines, e.g. {@code "tcp source agg"}
     * @param connections makes the adapter for a new connection from its peer's address
     */
    public StreamListener(String description, int maxConnections, Counters counters,
            Function<SocketAddress, Connection> connections) {
        this.description = description;
        this.maxConnections = maxConnections;
        this.counters = counters;
        this.connections = connections;
    }

    /** Binds {@code address} on {@code loops}; fails (an unchecked exception) when it cannot. */
    public DisposableServer bind(InetSocketAddress address, IntakeLoops loops, Demand<?> demand) {
        AtomicInteger active = new AtomicInteger();
        return TcpServer.create()
                .runOn(loops.resources())
                .bindAddress(() -> address)
                .handle((in, out) -> {
                    if (active.incrementAndGet() > maxConnections) {
                        active.decrementAndGet();
                        counters.rejected().incrementAndGet();
                        return Mono.empty();
                    }
                    counters.accepted().incrementAndGet();
                    AtomicReference<Channel> channel = new AtomicReference<>();
                    in.withConnection(c -> channel.set(c.channel()));
                    Channel ch = channel.get();
                    open.add(ch);
                    Connection connection = connections.apply(ch.remoteAddress());
                    ReadBuffer scratch = new ReadBuffer();
                    return in.receive()
                            .doOnNext(buf -> {
                                scratch.handOver(buf, connection);
                                ReadPause.afterRead(ch, demand);
                            })
                            // Reactor Netty would close the connection with only a log line of its own
                            .doOnError(e -> {
                                counters.failed().incrementAndGet();
                                LOG.warn("{}: connection from {} ended on an error: {}", description, ch.remoteAddress(),
                                        e.toString());
                            })
                            .doFinally(s -> {
                                connection.end();
                                active.decrementAndGet();
                                open.remove(ch);
                            })
                            .then();
                })
                .bindNow(Duration.ofSeconds(10));
    }

    /**
     * One connection's copy of what a read returned: Netty's buffers are direct, adapters read arrays.
     * Reused from read to read (a fresh array per read was as many bytes of garbage as the lines'
     * own), and given back when a rare large read grew it beyond {@link #KEEP}.
     */
    private static final class ReadBuffer {
        private static final int KEEP = 64 * 1024;
        private byte[] array = new byte[2048];

        void handOver(ByteBuf buf, Connection connection) {
            int n = buf.readableBytes();
            if (buf.hasArray()) {
                connection.bytes(buf.array(), buf.arrayOffset() + buf.readerIndex(), n);
                buf.skipBytes(n);
                return;
            }
            if (n > array.length) {
                array = new byte[Math.max(n, Math.min(KEEP, array.length * 2))];
            }
            buf.readBytes(array, 0, n);
            connection.bytes(array, 0, n);
            if (array.length > KEEP) {
                array = new byte[KEEP];
            }
        }
    }

    /**
     * The open connections, each with whether it is active, reading (auto-read) and its input shut: for
     * diagnosing a source that stopped delivering.
     */
    public String describeChannels() {
        return ChannelDescription.of(open);
    }
}
