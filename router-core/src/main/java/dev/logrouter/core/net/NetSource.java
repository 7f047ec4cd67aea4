package dev.logrouter.core.net;

import dev.logrouter.core.framing.LineFramer;
import dev.logrouter.core.io.IntakeLoops;
import dev.logrouter.core.metrics.CounterSet;
import dev.logrouter.core.io.ReadPause;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.source.Demand;
import dev.logrouter.core.source.LogSource;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;
import reactor.netty.udp.UdpServer;

/**
 * An aggregator input ({@code type: tcp} / {@code type: udp}): other hosts send JSON lines or text.
 *
 * <p>TCP: newline framing per connection; a line longer than {@code max_line_bytes} becomes partial
 * records (not parsed as JSON, counted); a pending line is delivered when the connection closes. At
 * most {@code max_connections} connections; more are closed at once and counted; a connection that
 * sends nothing holds no thread. UDP: every datagram is one message (split at newlines if it holds
 * several). JSON lines: see {@link JsonLineParser}; broken JSON is kept as raw text and counted.
 * Records carry field {@code peer} (the sender's IP address) and stream {@code tcp} / {@code udp}
 * unless the JSON names one.
 *
 * <p>{@link #records()}: cold. Subscribing binds the address (failure is signalled as an error);
 * cancelling closes it and its connections. Records are emitted on the source's own event loop thread
 * ({@link IntakeLoops}). Backpressure: each connection reads only while the subscriber has demand
 * (auto-read off while there is none, see {@link ReadPause}), so when
 * the router stops requesting (a full {@code when_full: block} sink) every connection stops after at
 * most a few reads and its sender sees a full TCP window; UDP stops reading its socket and the kernel
 * drops what overflows its receive buffer (UDP has no backpressure). The event loop itself never
 * waits: other connections' accepts and sinks go on. Nothing is replayed.
 */
public final class NetSource implements LogSource {

    private static final byte[] NEWLINE = {'\n'};
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NetSource.class);

    private final NetSourceSpec spec;
    private final JsonLineParser json = new JsonLineParser();
    private final String stream;

    private final CounterSet counters = new CounterSet();
    final AtomicLong jsonErrors = counters.counter("json_errors");
    final AtomicLong partialLines = counters.counter("partial_lines");
    final AtomicLong connections = counters.counter("connections");
    final AtomicLong rejectedConnections = counters.counter("rejected_connections");
    final AtomicLong connectionErrors = counters.counter("connection_errors");
    /** Records emitted and payload bytes received: the router's standard set tells users; for tests. */
    final AtomicLong records = counters.unlisted("records");
    final AtomicLong bytes = counters.unlisted("bytes");
    /** Open TCP connections, or the UDP socket: what {@link #describeChannels()} reports. */
    private final java.util.Set<io.netty.channel.Channel> channels = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile InetSocketAddress bound;

    public NetSource(NetSourceSpec spec) {
        this.spec = spec;
        this.stream = spec.protocol() == NetProtocol.TCP ? "tcp" : "udp";
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public String type() {
        return stream;
    }

    public NetSourceSpec spec() {
        return spec;
    }

    /** The bound address while subscribed (port 0 in the spec picks a free one), else null. */
    public InetSocketAddress address() {
        return bound;
    }

    @Override
    public CounterSet counters() {
        return counters;
    }

    /** A snapshot of {@link #counters()}, with records and bytes received. */
    public NetSourceStats stats() {
        return new NetSourceStats(records.get(), bytes.get(), jsonErrors.get(), partialLines.get(), connections.get(),
                rejectedConnections.get(), connectionErrors.get());
    }

    /**
     * The source's open channels (TCP connections or the UDP socket), each with whether it is open, reading
     * (auto-read) and its input shut: for diagnosing a source that stopped delivering.
     */
    public String describeChannels() {
        StringBuilder sb = new StringBuilder();
        for (io.netty.channel.Channel c : channels) {
            sb.append(c.remoteAddress() == null ? c.localAddress() : c.remoteAddress())
                    .append(" open=").append(c.isOpen())
                    .append(" active=").append(c.isActive())
                    .append(" autoRead=").append(c.config().isAutoRead())
                    .append(" registered=").append(c.isRegistered());
            if (c instanceof io.netty.channel.socket.DuplexChannel d) {
                sb.append(" inputShutdown=").append(d.isInputShutdown());
            }
            sb.append("; ");
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    @Override
    public Flux<LogRecord> records() {
        return Flux.create(sink -> {
            reactor.core.Disposable server;
            IntakeLoops loops = IntakeLoops.forSource(spec.name());
            Demand<LogRecord> demand = Demand.of(sink);
            java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
            try {
                if (spec.protocol() == NetProtocol.TCP) {
                    DisposableServer s = startTcp(demand, loops);
                    bound = (InetSocketAddress) s.address();
                    server = s;
                } else {
                    reactor.netty.Connection c = startUdp(demand, loops, sink, stopping);
                    bound = (InetSocketAddress) c.address();
                    server = c;
                }
            } catch (RuntimeException e) {
                loops.dispose();
                sink.error(new java.io.IOException(stream + " source " + spec.name() + ": cannot listen on "
                        + spec.listen() + ": " + e.getMessage(), e));
                return;
            }
            sink.onDispose(() -> {
                stopping.set(true);
                server.dispose();
                loops.dispose();
                bound = null;
            });
        }, FluxSink.OverflowStrategy.BUFFER);
    }

    private LineFramer framer(Demand<LogRecord> out, Map<String, Object> peer) {
        return new LineFramer(spec.maxLineBytes(), (line, partial) -> {
            long now = LogRecord.now();
            LogRecord r;
            if (partial) {
                partialLines.incrementAndGet();
                r = new LogRecord(LogRecord.NO_CURSOR, now, spec.name(), spec.service(), stream, Level.INFO, line, peer,
                        LogRecord.Kind.PARTIAL);
            } else if (spec.format() == NetFormat.JSON_LINES) {
                if (line.isBlank()) {
                    return;
                }
                JsonLineParser.Parsed p = json.parse(line, now, spec.name(), spec.service(), stream, peer);
                if (!p.ok()) {
                    jsonErrors.incrementAndGet();
                }
                r = p.record();
            } else {
                r = new LogRecord(LogRecord.NO_CURSOR, now, spec.name(), spec.service(), stream, Level.INFO, line, peer,
                        LogRecord.Kind.NORMAL);
            }
            records.incrementAndGet();
            out.next(r);
        });
    }

    private static Map<String, Object> peer(SocketAddress a) {
        if (a instanceof InetSocketAddress i && i.getAddress() != null) {
            return Map.of("peer", i.getAddress().getHostAddress());
        }
        return Map.of();
    }

    private DisposableServer startTcp(Demand<LogRecord> demand, IntakeLoops loops) {
        InetSocketAddress addr = ListenAddress.parse(spec.listen());
        AtomicInteger active = new AtomicInteger();
        return TcpServer.create()
                .runOn(loops.resources())
                .bindAddress(() -> addr)
                .handle((in, out) -> {
                    if (active.incrementAndGet() > spec.maxConnections()) {
                        active.decrementAndGet();
                        rejectedConnections.incrementAndGet();
                        return Mono.empty();
                    }
                    connections.incrementAndGet();
                    java.util.concurrent.atomic.AtomicReference<Map<String, Object>> peer =
                            new java.util.concurrent.atomic.AtomicReference<>(Map.of());
                    java.util.concurrent.atomic.AtomicReference<io.netty.channel.Channel> channel =
                            new java.util.concurrent.atomic.AtomicReference<>();
                    in.withConnection(c -> {
                        peer.set(peer(c.channel().remoteAddress()));
                        channel.set(c.channel());
                        channels.add(c.channel());
                    });
                    LineFramer framer = framer(demand, peer.get());
                    return in.receive()
                            .doOnNext(buf -> {
                                int n = buf.readableBytes();
                                bytes.addAndGet(n);
                                byte[] chunk = new byte[n];
                                buf.readBytes(chunk);
                                framer.feed(chunk, 0, n);
                                ReadPause.afterRead(channel.get(), demand);
                            })
                            // Reactor Netty would close the connection with only a log line of its own
                            .doOnError(e -> {
                                connectionErrors.incrementAndGet();
                                LOG.warn("{} source {}: connection from {} ended on an error: {}", stream, spec.name(),
                                        channel.get() == null ? "?" : channel.get().remoteAddress(), e.toString());
                            })
                            .doFinally(s -> {
                                // the last line of a connection needs no newline to count as whole
                                if (framer.hasPending()) {
                                    framer.feed(NEWLINE, 0, 1);
                                }
                                active.decrementAndGet();
                                if (channel.get() != null) {
                                    channels.remove(channel.get());
                                }
                            })
                            .then();
                })
                .bindNow(Duration.ofSeconds(10));
    }

    // RCVBUF_ALLOCATOR is deprecated in Netty 4.2 but still the way to size a datagram read
    @SuppressWarnings("deprecation")
    private reactor.netty.Connection startUdp(Demand<LogRecord> demand, IntakeLoops loops, FluxSink<LogRecord> sink,
            java.util.concurrent.atomic.AtomicBoolean stopping) {
        InetSocketAddress addr = ListenAddress.parse(spec.listen());
        return UdpServer.create()
                .runOn(loops.resources())
                .bindAddress(() -> addr)
                // Netty's default 2 KiB datagram buffer would cut typical JSON events
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65536))
                .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
                .doOnBound(c -> channels.add(c.channel()))
                .doOnUnbound(c -> channels.remove(c.channel()))
                .handle((in, out) -> in.receiveObject().doOnNext(o -> {
                    if (o instanceof DatagramPacket p) {
                        ByteBuf b = p.content();
                        int n = b.readableBytes();
                        bytes.addAndGet(n);
                        in.withConnection(c -> ReadPause.afterRead(c.channel(), demand));
                        byte[] data = new byte[n];
                        b.getBytes(b.readerIndex(), data);
                        LineFramer framer = framer(demand, peer(p.sender()));
                        framer.feed(data, 0, n);
                        // a datagram is whole: its last line needs no newline
                        if (framer.hasPending()) {
                            framer.feed(NEWLINE, 0, 1);
                        }
                    }
                }).then()
                        // Reactor Netty closes the socket when this ends: a UDP source that stops receiving
                        // while running fails visibly (state, error count, log) instead of going quiet
                        .doOnEach(signal -> {
                            if ((signal.isOnError() || signal.isOnComplete()) && !stopping.get()) {
                                Throwable cause = signal.getThrowable();
                                sink.error(new java.io.IOException(stream + " source " + spec.name()
                                        + ": stopped receiving" + (cause == null ? "" : ": " + cause), cause));
                            }
                        }))
                .bindNow(Duration.ofSeconds(10));
    }
}
