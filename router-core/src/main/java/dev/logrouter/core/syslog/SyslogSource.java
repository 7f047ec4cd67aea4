package dev.logrouter.core.syslog;

import dev.logrouter.core.io.DatagramListener;
import dev.logrouter.core.io.IntakeLoops;
import dev.logrouter.core.io.StreamListener;
import dev.logrouter.core.metrics.CounterSet;
import dev.logrouter.core.net.ListenAddress;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.source.Demand;
import dev.logrouter.core.source.LogSource;
import dev.logrouter.core.source.SourceFlux;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;

/**
 * Syslog intake: RFC 3164 / RFC 5424 messages (see {@link SyslogParser}) from a Unix datagram socket
 * (a {@code /dev/log} replacement), a UDP address (one message per datagram) and/or a TCP address
 * (LF framing and RFC 6587 octet counting, per message).
 *
 * <p>Every message becomes one record; malformed ones are kept raw with a {@code parse_error} field,
 * messages over {@code max_message_bytes} are cut and marked {@code truncated}; all are counted in
 * {@link #counters()}. TCP connections beyond {@code max_connections} are closed at once and counted; a
 * connection that sends nothing holds no thread; one that ends on an error is counted and logged
 * ({@link StreamListener}).
 *
 * <p>{@link #records()}: cold. Subscribing binds every configured address (a failure is signalled as
 * an error); cancelling closes them and removes the socket file. Records are emitted on the receiving
 * threads (the source's event loop for TCP and UDP, the Unix socket's receive thread). Backpressure:
 * every input reads only while the subscriber has demand (TCP and UDP turn auto-read off on the event
 * loop, which never waits; the Unix socket's thread waits), so while the router stops requesting (a full
 * {@code when_full: block} sink) TCP senders see a full window, {@code /dev/log} writers block on a full
 * socket buffer, and UDP overflows in the kernel. A Unix or UDP socket that stops receiving while
 * subscribed fails the flux ({@link DatagramListener}).
 * Nothing is replayed.
 */
public final class SyslogSource implements LogSource {

    private final SyslogSpec spec;
    private final SyslogParser parser;

    private final CounterSet counters = new CounterSet();
    final AtomicLong messages = counters.counter("messages");
    final AtomicLong parseErrors = counters.counter("parse_errors");
    final AtomicLong truncated = counters.counter("truncated");
    final AtomicLong droppedBytes = counters.counter("dropped_bytes");
    private final StreamListener.Counters connectionCounters = StreamListener.Counters.in(counters);

    private volatile InetSocketAddress boundUdp;
    private volatile InetSocketAddress boundTcp;

    public SyslogSource(SyslogSpec spec) {
        this(spec, new SyslogParser());
    }

    SyslogSource(SyslogSpec spec, SyslogParser parser) {
        this.spec = spec;
        this.parser = parser;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public String type() {
        return "syslog";
    }

    public SyslogSpec spec() {
        return spec;
    }

    @Override
    public CounterSet counters() {
        return counters;
    }

    /** A snapshot of {@link #counters()}. */
    SyslogStats stats() {
        return new SyslogStats(messages.get(), parseErrors.get(), truncated.get(), droppedBytes.get(),
                connectionCounters.accepted().get(), connectionCounters.rejected().get(),
                connectionCounters.failed().get());
    }

    /** The bound UDP address while subscribed (port 0 in the spec picks a free one), else null. */
    public InetSocketAddress udpAddress() {
        return boundUdp;
    }

    /** The bound TCP address while subscribed, else null. */
    public InetSocketAddress tcpAddress() {
        return boundTcp;
    }

    @Override
    public Flux<LogRecord> records() {
        return SourceFlux.create(sink -> {
            List<Disposable> open = new ArrayList<>();
            IntakeLoops loops = IntakeLoops.forSource(spec.name());
            Demand<LogRecord> demand = Demand.of(sink);
            open.add(loops);
            Disposable all = () -> {
                for (int i = open.size() - 1; i >= 0; i--) {
                    open.get(i).dispose();
                }
                boundUdp = null;
                boundTcp = null;
            };
            try {
                if (spec.path() != null) {
                    open.add(startUnix(demand, sink));
                }
                if (spec.udp() != null) {
                    Connection udp = startUdp(demand, loops, sink);
                    boundUdp = (InetSocketAddress) udp.address();
                    open.add(udp);
                }
                if (spec.tcp() != null) {
                    DisposableServer tcp = startTcp(demand, loops);
                    boundTcp = (InetSocketAddress) tcp.address();
                    open.add(tcp);
                }
            } catch (IOException | RuntimeException e) {
                all.dispose();
                sink.error(new IOException("syslog source " + spec.name() + ": cannot listen: " + e.getMessage(), e));
                return;
            }
            sink.onDispose(all);
        });
    }

    void deliver(Demand<LogRecord> out, byte[] data, int off, int len, boolean cut) {
        // an empty datagram is a message too: kept raw with parse_error like any malformed one
        messages.incrementAndGet();
        if (cut) {
            truncated.incrementAndGet();
        }
        SyslogParser.Parsed p = parser.parse(data, off, len, LogRecord.now(), spec.name(), cut);
        if (!p.ok()) {
            parseErrors.incrementAndGet();
        }
        out.next(p.record());
    }

    private Disposable startUnix(Demand<LogRecord> demand, FluxSink<LogRecord> sink) throws IOException {
        DatagramListener listener = new DatagramListener("syslog source " + spec.name() + " (" + spec.path() + ")",
                spec.maxMessageBytes(), (data, cut, sender) -> deliver(demand, data, 0, data.length, cut));
        return listener.bind(spec.path(), spec.mode(), demand, sink::error);
    }

    private Connection startUdp(Demand<LogRecord> demand, IntakeLoops loops, FluxSink<LogRecord> sink) {
        DatagramListener listener = new DatagramListener("syslog source " + spec.name() + " (udp)",
                spec.maxMessageBytes(), (data, cut, sender) -> deliver(demand, data, 0, data.length, cut));
        return listener.bind(ListenAddress.parse(spec.udp()), loops, demand, sink::error);
    }

    private DisposableServer startTcp(Demand<LogRecord> demand, IntakeLoops loops) {
        StreamListener listener = new StreamListener("syslog source " + spec.name() + " (tcp)", spec.maxConnections(),
                connectionCounters, peer -> {
                    SyslogStreamFramer framer = new SyslogStreamFramer(spec.maxMessageBytes(),
                            (d, off, len, cut) -> deliver(demand, d, off, len, cut));
                    return new StreamListener.Connection() {
                        @Override
                        public void bytes(byte[] data, int off, int len) {
                            long before = framer.droppedBytes();
                            framer.feed(data, off, len);
                            droppedBytes.addAndGet(framer.droppedBytes() - before);
                        }

                        @Override
                        public void end() {
                            framer.finish();
                        }
                    };
                });
        return listener.bind(ListenAddress.parse(spec.tcp()), loops, demand);
    }
}
