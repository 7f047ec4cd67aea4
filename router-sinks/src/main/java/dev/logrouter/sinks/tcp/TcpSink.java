package dev.logrouter.sinks.tcp;

import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.sink.SinkState;
import dev.logrouter.sinks.encode.EncodedBuffer;
import dev.logrouter.sinks.encode.FramedEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.tcp.TcpClient;
import reactor.util.retry.Retry;

/**
 * Writes records, newline-framed, to one TCP (optionally TLS) receiver over a single long-lived
 * connection made with {@link TcpClient#newConnection()}.
 *
 * <p>Batching: records are grouped into batches of up to {@code batch_events}, a batch is written
 * after at most {@code flush_interval} and a batch is one write of whole frames, so the byte stream
 * is cut only between records. Backpressure: one batch is written at a time and the next is requested
 * only when the receiver has taken the previous one (or it is buffered by the kernel); while the
 * receiver is slow or down, records wait in the router's {@code SinkBuffer} for this sink, which
 * applies {@code when_full} and counts drops. Before the {@link Mono} of {@link #write} is subscribed
 * nothing connects or is requested; nothing is replayed: each {@link #write} call opens its own
 * connection and writes each record it receives once (plus the re-sends described below).
 *
 * <p>Failures: a failed connect or write is retried forever with jittered exponential backoff
 * ({@code backoff_min}..{@code backoff_max}). The most recent {@code resend_bytes} of written records
 * stay in a re-send window; when a connection breaks (reset, write error, write timeout, or a close
 * right after a write) the window is written again on the next connection before anything new
 * (at-least-once; the re-sent records carry their original cursor and are counted in
 * {@link SinkState#resent()}). A receiver that closes an idle connection (Filebeat does after 300 s)
 * read everything before closing, so the sink just reconnects when it next has data, quietly and
 * without re-sending. A write timeout aborts the connection with a reset, so the receiver never sees
 * an orderly end after a cut frame; a forced stop (cancel) resets the connection the same way.
 */
public final class TcpSink implements LogSink {

    /** A peer close this long after our last write counts as idle: it read everything we wrote. */
    private static final long IDLE_CLOSE_NANOS = Duration.ofMillis(250).toNanos();

    private final TcpSinkSpec spec;
    private final TcpClient client;
    private final Scheduler timer;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong resent = new AtomicLong();
    private final AtomicLong writtenBytes = new AtomicLong();
    private volatile String connection = "idle";
    private volatile String lastError;

    /**
     * @throws IllegalArgumentException when the TLS files cannot be read or used
     */
    public TcpSink(TcpSinkSpec spec) {
        this(spec, Schedulers.parallel());
    }

    /** With the scheduler for batch flushes, write timeouts and reconnect delays (tests use virtual time). */
    TcpSink(TcpSinkSpec spec, Scheduler timer) {
        this.spec = spec;
        this.timer = timer;
        TcpClient c = TcpClient.newConnection()
                .host(spec.endpoint().host())
                .port(spec.endpoint().port())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        spec.connectTimeout().toMillis()))
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.TCP_NODELAY, true);
        if (spec.tls() != null) {
            SslContext ctx = sslContext(spec.tls());
            boolean verify = spec.tls().verify();
            c = c.secure(s -> s.sslContext(ctx).handlerConfigurator(h -> {
                SSLEngine e = h.engine();
                SSLParameters p = e.getSSLParameters();
                // Check that the certificate names the host we dialled, not just that a CA signed it.
                p.setEndpointIdentificationAlgorithm(verify ? "HTTPS" : null);
                e.setSSLParameters(p);
            }));
        }
        this.client = c;
    }

    static SslContext sslContext(TlsSpec t) {
        try {
            SslContextBuilder b = SslContextBuilder.forClient();
            if (!t.verify()) {
                b.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else if (t.caFile() != null) {
                b.trustManager(t.caFile().toFile());
            }
            if (t.certFile() != null) {
                b.keyManager(t.certFile().toFile(), t.keyFile().toFile());
            }
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("tls: cannot use ca/cert/key files: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public String type() {
        return "tcp";
    }

    public TcpSinkSpec spec() {
        return spec;
    }

    @Override
    public long writtenBytes() {
        return writtenBytes.get();
    }

    @Override
    public boolean tracksSettlement() {
        return true;
    }

    @Override
    public SinkState state() {
        return new SinkState(connection, written.get(), dropped.get(), reconnects.get(), lastError, resent.get());
    }

    @Override
    public Mono<Void> write(Flux<LogRecord> records) {
        return Mono.defer(() -> {
            Session s = new Session();
            return records
                    .bufferTimeout(spec.batchEvents(), spec.flushInterval(), timer, true)
                    .concatMap(s::send, 1)
                    .doOnDiscard(List.class, l -> dropped.addAndGet(l.size()))
                    .doOnDiscard(LogRecord.class, r -> dropped.incrementAndGet())
                    .then(Mono.<Void>fromRunnable(() -> s.close(SignalType.ON_COMPLETE)))
                    .doFinally(sig -> {
                        if (sig != SignalType.ON_COMPLETE) {
                            s.close(sig);
                        }
                    });
        });
    }

    /** A record waiting to be written or kept for re-sending. */
    private static final class Entry {
        final LogRecord record;
        /** Written (or attempted) at least once: writing it again counts as a re-send. */
        boolean attempted;
        int size;

        Entry(LogRecord record) {
            this.record = record;
        }
    }

    /** One connection and how it ended. */
    private static final class Link {
        static final int OPEN = 0;
        static final int PEER_CLOSED = 1;
        static final int FAILED = 2;

        final Connection conn;
        final long gen;
        volatile int end = OPEN;
        volatile long endNanos;
        volatile long lastWriteNanos;

        Link(Connection conn, long gen) {
            this.conn = conn;
            this.gen = gen;
        }

        void fail() {
            if (end == OPEN) {
                endNanos = System.nanoTime();
                end = FAILED;
            }
        }

        /** True when bytes written on it may not have reached the receiving application. */
        boolean mayHaveLost() {
            return end != PEER_CLOSED || endNanos - lastWriteNanos < IDLE_CLOSE_NANOS;
        }
    }

    /**
     * The state of one {@link #write} call. {@code concatMap} runs one {@link #send} at a time, so
     * the queues and the encoder are only touched by one thread at a time.
     */
    private final class Session {
        /** Records to write on the current connection, oldest first. */
        final ArrayDeque<Entry> pending = new ArrayDeque<>();
        /** Records written on the current connection, newest last, kept for re-sending. */
        final ArrayDeque<Entry> window = new ArrayDeque<>();
        long windowBytes;
        final FramedEncoder encoder = spec.encoder().newFramedEncoder();
        final EncodedBuffer buf = new EncodedBuffer(64 * 1024);
        final ReconnectBackoff backoff = new ReconnectBackoff(spec.backoffMin(), spec.backoffMax(),
                () -> ThreadLocalRandom.current().nextDouble());
        volatile Link link;
        long gen;

        Mono<Void> send(List<LogRecord> batch) {
            for (LogRecord r : batch) {
                pending.addLast(new Entry(r));
            }
            return Mono.defer(this::attempt)
                    .retryWhen(Retry.from(signals -> signals.concatMap(rs -> {
                        lastError = describe(rs.failure());
                        connection = "down";
                        return Mono.delay(backoff.next(), timer);
                    })));
        }

        private Mono<Void> attempt() {
            Link l = link;
            if (l != null && (l.end != Link.OPEN || l.conn.isDisposed())) {
                lost(l);
                l = null;
            }
            if (l == null) {
                connection = "connecting";
                return client.connect().flatMap(c -> {
                    // Dialling a free loopback port in the ephemeral range can connect a socket to
                    // itself; writes would then "succeed" into the void.
                    if (java.util.Objects.equals(c.channel().localAddress(), c.channel().remoteAddress())) {
                        c.dispose();
                        return Mono.error(new java.net.ConnectException("connected to itself: nobody listens on "
                                + spec.endpoint()));
                    }
                    return writePending(connected(c));
                });
            }
            return writePending(l);
        }

        private Link connected(Connection c) {
            Link l = new Link(c, ++gen);
            // a connection after a lost one or after failed attempts is a reconnect; the error that
            // kept it down is over, so status no longer shows it next to "up"
            if (gen > 1 || lastError != null) {
                reconnects.incrementAndGet();
            }
            lastError = null;
            backoff.reset();
            connection = "up";
            link = l;
            // Inbound tells how the connection ends: EOF = orderly close by the receiver, error = reset.
            // The state shows the break at once, not only when the next batch finds the link gone.
            c.inbound().receive().then().subscribe(null, err -> {
                l.fail();
                lastError = describe(err);
                if (link == l) {
                    connection = "down";
                }
                c.dispose();
            }, () -> {
                if (l.end == Link.OPEN) {
                    l.endNanos = System.nanoTime();
                    l.end = Link.PEER_CLOSED;
                }
                if (link == l) {
                    connection = l.mayHaveLost() ? "down" : "idle";
                }
                c.dispose();
            });
            return l;
        }

        /** The connection is gone: decide whether what it carried must be written again. */
        private void lost(Link l) {
            link = null;
            if (l.end == Link.OPEN) {
                l.fail();
            }
            if (l.mayHaveLost()) {
                // Re-send the window first, in order, then what was waiting.
                while (!window.isEmpty()) {
                    pending.addFirst(window.pollLast());
                }
            } else {
                connection = "idle"; // idle close: the receiver had everything
                window.clear();
            }
            windowBytes = 0;
        }

        private Mono<Void> writePending(Link l) {
            buf.reset();
            int firstWrites = 0;
            for (java.util.Iterator<Entry> it = pending.iterator(); it.hasNext(); ) {
                Entry e = it.next();
                try {
                    e.size = encoder.append(e.record, buf);
                } catch (RuntimeException bad) {
                    // A record the encoder cannot represent is counted, never sent half-done.
                    dropped.incrementAndGet();
                    lastError = "cannot encode record " + e.record.cursor() + ": " + bad.getMessage();
                    it.remove();
                    continue;
                }
                if (e.attempted) {
                    resent.incrementAndGet();
                } else {
                    e.attempted = true;
                    firstWrites++;
                }
            }
            if (buf.size() == 0) {
                return Mono.empty();
            }
            Channel ch = l.conn.channel();
            ByteBuf out = ch.alloc().buffer(buf.size());
            out.writeBytes(buf.array(), 0, buf.size());
            int newlyWritten = firstWrites;
            int bytes = buf.size();
            return Mono.<Void>create(sink -> ch.writeAndFlush(out).addListener(f -> {
                        if (f.isSuccess()) {
                            sink.success();
                        } else {
                            sink.error(f.cause());
                        }
                    }))
                    .timeout(spec.writeTimeout(), timer)
                    .doOnSuccess(v -> {
                        l.lastWriteNanos = System.nanoTime();
                        written.addAndGet(newlyWritten);
                        writtenBytes.addAndGet(bytes);
                        keep();
                    })
                    .doOnError(err -> abort(l, err));
        }

        /** After a successful write: move it to the window, keep only the newest {@code resend_bytes}. */
        private void keep() {
            Entry e;
            while ((e = pending.pollFirst()) != null) {
                window.addLast(e);
                windowBytes += e.size;
            }
            while (windowBytes > spec.resendBytes() && (e = window.pollFirst()) != null) {
                windowBytes -= e.size;
            }
        }

        /** Ends a connection after a failed or stuck write, with a reset rather than an orderly close. */
        private void abort(Link l, Throwable err) {
            l.fail();
            if (err instanceof TimeoutException) {
                lastError = "write timeout after " + spec.writeTimeout().toMillis() + "ms";
            }
            Channel ch = l.conn.channel();
            if (ch.isOpen()) {
                try {
                    ch.config().setOption(ChannelOption.SO_LINGER, 0);
                } catch (RuntimeException ignored) {
                    // some transports refuse SO_LINGER; an orderly close is still a close
                }
            }
            l.conn.dispose();
        }

        void close(SignalType sig) {
            // Records never handed to a connection are lost when the sink is stopped early.
            long never = 0;
            for (Entry e : pending) {
                if (!e.attempted) {
                    never++;
                }
            }
            if (never > 0) {
                dropped.addAndGet(never);
            }
            pending.clear();
            window.clear();
            Link l = link;
            link = null;
            if (l != null) {
                if (sig == SignalType.ON_COMPLETE) {
                    l.end = Link.FAILED;
                    l.conn.dispose(); // every write completed: an orderly close after whole lines
                } else {
                    abort(l, null); // stopped early, maybe mid-write: reset, never FIN after half a line
                }
            }
            connection = sig == SignalType.ON_COMPLETE ? "closed" : "stopped";
        }
    }

    static String describe(Throwable t) {
        if (t == null) {
            return null;
        }
        String m = t.getMessage();
        Throwable c = t.getCause();
        if ((m == null || m.isBlank()) && c != null) {
            return describe(c);
        }
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
