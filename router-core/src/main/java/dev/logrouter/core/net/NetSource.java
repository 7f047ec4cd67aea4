package dev.logrouter.core.net;

import dev.logrouter.core.framing.LineFramer;
import dev.logrouter.core.io.DatagramListener;
import dev.logrouter.core.io.IntakeLoops;
import dev.logrouter.core.io.StreamListener;
import dev.logrouter.core.metrics.CounterSet;
import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.source.Demand;
import dev.logrouter.core.source.LogSource;
import dev.logrouter.core.source.SourceFlux;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.netty.DisposableServer;

/**
 * An aggregator input ({@code type: tcp} / {@code type: udp}): other hosts send JSON lines or text.
 *
 * <p>TCP: newline framing per connection; a line longer than {@code max_line_bytes} becomes partial
 * records (not parsed as JSON, counted); a pending line is delivered when the connection closes. At
 * most {@code max_connections} connections; more are closed at once and counted; a connection that
 * sends nothing holds no thread; one that ends on an error (a reset) is counted and logged, and its
 * pending line still delivered ({@link StreamListener}). UDP: every datagram is one message (split at newlines if it holds
 * several). JSON lines: see {@link JsonLineParser}; broken JSON is kept as raw text and counted.
 * Records carry field {@code peer} (the sender's IP address) and stream {@code tcp} / {@code udp}
 * unless the JSON names one.
 *
 * <p>{@link #records()}: cold. Subscribing binds the address (failure is signalled as an error);
 * cancelling closes it and its connections. Records are emitted on the source's own event loop thread
 * ({@link IntakeLoops}). Backpressure: each connection reads only while the subscriber has demand
 * (auto-read off while there is none, see {@link dev.logrouter.core.io.ReadPause}), so when
 * the router stops requesting (a full {@code when_full: block} sink) every connection stops after at
 * most a few reads and its sender sees a full TCP window; UDP stops reading its socket and the kernel
 * drops what overflows its receive buffer (UDP has no backpressure). The event loop itself never
 * waits: other connections' accepts and sinks go on. A UDP socket that stops receiving while subscribed
 * fails the flux ({@link DatagramListener}). Nothing is replayed.
 */
public final class NetSource implements LogSource {

    private static final byte[] NEWLINE = {'\n'};

    private final NetSourceSpec spec;
    private final JsonLineParser json = new JsonLineParser();
    private final String stream;

    private final CounterSet counters = new CounterSet();
    final AtomicLong jsonErrors = counters.counter("json_errors");
    final AtomicLong partialLines = counters.counter("partial_lines");
    private final StreamListener.Counters connectionCounters = StreamListener.Counters.in(counters);
    /** Records emitted and payload bytes received: the router's standard set tells users; for tests. */
    final AtomicLong records = counters.unlisted("records");
    final AtomicLong bytes = counters.unlisted("bytes");
    private volatile java.util.function.Supplier<String> diagnosis = () -> "not listening";
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
    NetSourceStats stats() {
        return new NetSourceStats(records.get(), bytes.get(), jsonErrors.get(), partialLines.get(),
                connectionCounters.accepted().get(), connectionCounters.rejected().get(), connectionCounters.failed().get());
    }

    /**
     * The source's open channels (TCP connections or the UDP socket), each with whether it is open, reading
     * (auto-read) and its input shut: for diagnosing a source that stopped delivering.
     */
    public String describeChannels() {
        return diagnosis.get();
    }

    @Override
    public Flux<LogRecord> records() {
        return SourceFlux.create(sink -> {
            IntakeLoops loops = IntakeLoops.forSource(spec.name());
            Demand<LogRecord> demand = Demand.of(sink);
            InetSocketAddress addr;
            reactor.core.Disposable server;
            try {
                addr = ListenAddress.parse(spec.listen());
                if (spec.protocol() == NetProtocol.TCP) {
                    StreamListener listener = new StreamListener(stream + " source " + spec.name(),
                            spec.maxConnections(), connectionCounters, peer -> connection(demand, peer));
                    DisposableServer s = listener.bind(addr, loops, demand);
                    diagnosis = listener::describeChannels;
                    bound = (InetSocketAddress) s.address();
                    server = s;
                } else {
                    DatagramListener listener = new DatagramListener(stream + " source " + spec.name(),
                            DatagramListener.MAX_DATAGRAM, (data, cut, sender) -> datagram(demand, data, sender));
                    reactor.netty.Connection c = listener.bind(addr, loops, demand, sink::error);
                    diagnosis = listener::describeChannels;
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
                server.dispose();
                loops.dispose();
                bound = null;
            });
        });
    }

    private StreamListener.Connection connection(Demand<LogRecord> demand, SocketAddress from) {
        Lines lines = new Lines(demand, peer(from));
        return new StreamListener.Connection() {
            @Override
            public void bytes(byte[] data, int off, int len) {
                bytes.addAndGet(len);
                lines.feed(data, off, len);
            }

            @Override
            public void end() {
                lines.endOfInput();
            }
        };
    }

    private void datagram(Demand<LogRecord> demand, byte[] data, SocketAddress sender) {
        bytes.addAndGet(data.length);
        Lines lines = new Lines(demand, peer(sender));
        lines.feed(data, 0, data.length);
        lines.endOfInput();
    }

    /**
     * One connection's or datagram's lines as records. Each record carries the time its bytes were read,
     * taken once per read: a clock call per line cost 3 % of the intake loop.
     */
    private final class Lines implements LineFramer.LineConsumer {
        private final Demand<LogRecord> out;
        private final Map<String, Object> peer;
        private final LineFramer framer;
        private long readTime;

        Lines(Demand<LogRecord> out, Map<String, Object> peer) {
            this.out = out;
            this.peer = peer;
            this.framer = new LineFramer(spec.maxLineBytes(), this);
        }

        void feed(byte[] data, int off, int len) {
            readTime = LogRecord.now();
            framer.feed(data, off, len);
        }

        /** The last line of a connection or a datagram needs no newline to count as whole. */
        void endOfInput() {
            if (framer.hasPending()) {
                framer.feed(NEWLINE, 0, 1);
            }
        }

        @Override
        public void accept(byte[] line, boolean partial) {
            long now = readTime;
            LogRecord r;
            if (partial) {
                partialLines.incrementAndGet();
                r = LogRecord.ofUtf8(now, spec.name(), spec.service(), stream, Level.INFO, line, peer,
                        LogRecord.Kind.PARTIAL);
            } else if (spec.format() == NetFormat.JSON_LINES) {
                String text = new String(line, StandardCharsets.UTF_8);
                if (text.isBlank()) {
                    return;
                }
                JsonLineParser.Parsed p = json.parse(text, now, spec.name(), spec.service(), stream, peer);
                if (!p.ok()) {
                    jsonErrors.incrementAndGet();
                }
                r = p.record();
            } else {
                r = LogRecord.ofUtf8(now, spec.name(), spec.service(), stream, Level.INFO, line, peer,
                        LogRecord.Kind.NORMAL);
            }
            records.incrementAndGet();
            out.next(r);
        }
    }

    private static Map<String, Object> peer(SocketAddress a) {
        if (a instanceof InetSocketAddress i && i.getAddress() != null) {
            return Map.of(FieldNames.PEER, i.getAddress().getHostAddress());
        }
        return Map.of();
    }
}
