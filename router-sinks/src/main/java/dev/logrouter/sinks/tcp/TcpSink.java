package dev.logrouter.sinks.tcp;

import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.sink.Batching;
import dev.logrouter.core.sink.DeliveryAck;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.sink.SinkCounters;
import dev.logrouter.sinks.encode.FramedEncoder;
import dev.logrouter.sinks.encode.RecordEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.tcp.TcpClient;
import reactor.util.retry.Retry;
import reactor.util.retry.RetryBackoffSpec;

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
 * ({@code backoff_min}..{@code backoff_max}). Each record is encoded once, when its batch arrives;
 * the most recent {@code resend_bytes} of written bytes stay in a re-send window as those bytes (the
 * record objects are not kept); when a connection breaks (reset, write error, write timeout, or a
 * close right after a write) the window is written again, byte for byte, on the next connection
 * before anything new (at-least-once; the re-sent records carry their original cursor and are counted in
 * {@link SinkCounters#resent()}). The default window covers the send queue plus the most a receiver on
 * this host can hold unread; records that leave a smaller window before that many newer bytes were
 * taken by the kernel are, if the connection then breaks, counted as dropped and announced by one
 * gap record (the receiver may not have read them, and TCP cannot tell). A receiver that closes an idle connection (Filebeat does after 300 s)
 * read everything before closing, so the sink just reconnects when it next has data, quietly and
 * without re-sending. A write timeout aborts the connection with a reset, so the receiver never sees
 * an orderly end after a cut frame; a forced stop (cancel) resets the connection the same way.
 */
public final class TcpSink implements LogSink {

    private static final Logger LOG = LoggerFactory.getLogger(TcpSink.class);

    /** A peer close this long after our last write counts as idle: it read everything we wrote. */
    private static final long IDLE_CLOSE_NANOS = Duration.ofMillis(250).toNanos();

    /**
     * Broken connections in a row, each with the same record first in line and none lasting
     * {@link #POISON_GRACE_NANOS} after its first write, after which that record is dropped as poison.
     */
    static final int POISON_BREAKS = 5;

    /** A write that waits this long for the kernel means the receiver stopped reading. */
    private static final long STALL_NANOS = Duration.ofSeconds(1).toNanos();

    /** A connection that lasts this long after its first write shows the receiver accepts its head. */
    private static final long POISON_GRACE_NANOS = Duration.ofSeconds(1).toNanos();

    private final TcpSinkSpec spec;
    private final TcpClient client;
    private final Scheduler timer;
    private final SinkCounters counters = new SinkCounters();

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
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_SNDBUF, sendBufferBytes(spec.resendBytes()));
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

    /**
     * The kernel send buffer, capped so that what it can hold stays a small, known part of the
     * re-send window: the window must cover the send queue plus whatever the receiver holds unread.
     * Linux doubles the value for its bookkeeping, so the queue holds at most about twice this.
     */
    static int sendBufferBytes(long resendBytes) {
        return (int) Math.max(16 * 1024, Math.min(1024 * 1024, resendBytes / 8));
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

    /**
     * Delay n (0-based, failed attempts since the last successful connection) is
     * {@code min * 2^n} capped at {@code max}, moved by a random up-to-±50% but kept within
     * [min, max], so that routers that lost the same receiver do not reconnect in lock step. The
     * count starts again when the retried source emits, which it does on each new connection.
     */
    static RetryBackoffSpec reconnectBackoff(Duration min, Duration max, Scheduler timer) {
        return Retry.backoff(Long.MAX_VALUE, min).maxBackoff(max).jitter(0.5).transientErrors(true).scheduler(timer);
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
    public SinkCounters counters() {
        return counters;
    }

    @Override
    public Mono<Void> write(Flux<LogRecord> records) {
        return write(records, DeliveryAck.NONE);
    }

    /** A record taken from the buffer and never sent: lost, or (a gap record) just not announced. */
    private void discarded(LogRecord r) {
        if (r.isGap()) {
            counters.addUnsentGap();
        } else {
            counters.addDropped(1);
        }
    }

    /**
     * A record is acknowledged as delivered once it can no longer be re-sent: pushed out of the
     * re-send window by newer writes, or on a connection the receiver closed while idle, or written
     * before an orderly close at the end.
     */
    @Override
    public Mono<Void> write(Flux<LogRecord> records, DeliveryAck ack) {
        return Mono.defer(() -> {
            Session s = new Session(ack);
            return new Batching(spec.batchEvents(), spec.flushInterval()).batches(records, timer)
                    .concatMap(s::send, 1)
                    .doOnDiscard(List.class, l -> {
                        for (Object r : l) {
                            discarded((LogRecord) r);
                        }
                    })
                    .doOnDiscard(LogRecord.class, this::discarded)
                    .then(Mono.<Void>fromRunnable(() -> s.close(SignalType.ON_COMPLETE)))
                    .doFinally(sig -> {
                        if (sig != SignalType.ON_COMPLETE) {
                            s.close(sig);
                        }
                    });
        });
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
        volatile long firstWriteNanos;
        /** A write was waiting for the kernel (the receiver not reading) when the connection ended. */
        volatile boolean busyAtEnd;
        /** A write handed to the channel and not yet taken by the kernel. */
        volatile boolean writing;
        /** A write waited at least {@link #STALL_NANOS} for the kernel: the receiver had stopped reading. */
        volatile boolean stalled;
        /** Bytes the kernel took on this connection. */
        long accepted;
        /**
         * A record the receiver may not have read until this many bytes were taken by the kernel
         * after it: the send buffer plus the most the receiver's kernel can hold unread.
         */
        final long safeDistance;
        /** Records that left the re-send window before they were {@link #safeDistance} behind. */
        final Unconfirmed unconfirmed = new Unconfirmed();

        Link(Connection conn, long gen, long safeDistance) {
            this.conn = conn;
            this.gen = gen;
            this.safeDistance = safeDistance;
        }

        void fail() {
            if (end == OPEN) {
                endNanos = System.nanoTime();
                busyAtEnd = writing;
                end = FAILED;
            }
        }

        /**
         * True when bytes written on it may not have reached the receiving application. Only an
         * orderly close (FIN) while nothing was being written, well after the last write, shows
         * the receiver read everything: a receiver that closes with unread data resets instead.
         */
        boolean mayHaveLost() {
            return end != PEER_CLOSED || busyAtEnd || endNanos - lastWriteNanos < IDLE_CLOSE_NANOS;
        }

        /** It carried data and stayed up long enough to show the receiver accepts what is first in line. */
        boolean madeProgress() {
            return firstWriteNanos != 0 && endNanos - firstWriteNanos >= POISON_GRACE_NANOS;
        }
    }

    /**
     * Records that left the re-send window while the receiver may not have read them, oldest first:
     * where each ended on the connection, its cursor and, for a buffer's gap record, the loss it
     * announces. Primitives only, so that a window smaller than the receiver's buffer keeps its
     * memory bound.
     */
    private static final class Unconfirmed {
        static final int RECORD = 0;
        /** A gap record from the buffer: written like a record, announcing drops. */
        static final int BUFFER_GAP = 1;
        /** A gap record made by this sink: not one of the records it was given. */
        static final int OWN_GAP = 2;
        private static final int STRIDE = 4;
        private long[] ring = new long[STRIDE * 64];
        private int head;
        private int size;
        long records;
        long gaps;
        /** Drops announced by the gap records (buffer's and own) among them. */
        long gapLost;

        private int capacity() {
            return ring.length / STRIDE;
        }

        void add(long end, long cursor, long lost, int kind) {
            if (size == capacity()) {
                long[] bigger = new long[ring.length * 2];
                for (int i = 0; i < size; i++) {
                    System.arraycopy(ring, ((head + i) % capacity()) * STRIDE, bigger, i * STRIDE, STRIDE);
                }
                ring = bigger;
                head = 0;
            }
            int at = ((head + size) % capacity()) * STRIDE;
            ring[at] = end;
            ring[at + 1] = cursor;
            ring[at + 2] = lost;
            ring[at + 3] = kind;
            size++;
            count(at, 1);
        }

        /** Forgets the records at least {@code distance} bytes behind {@code accepted}: the receiver read them. */
        void confirm(long accepted, long distance) {
            while (size > 0 && accepted - ring[head * STRIDE] >= distance) {
                count(head * STRIDE, -1);
                head = (head + 1) % capacity();
                size--;
            }
        }

        private void count(int at, int sign) {
            if (ring[at + 3] == RECORD) {
                records += sign;
                return;
            }
            if (ring[at + 3] == BUFFER_GAP) {
                gaps += sign;
            }
            gapLost += sign * ring[at + 2];
        }

        boolean isEmpty() {
            return size == 0;
        }

        /** Oldest and newest cursor of the records (not gap records) among them, or -1 when none. */
        long[] cursorRange() {
            long first = -1;
            long last = -1;
            for (int i = 0; i < size; i++) {
                int at = ((head + i) % capacity()) * STRIDE;
                if (ring[at + 3] == RECORD) {
                    if (first < 0) {
                        first = ring[at + 1];
                    }
                    last = ring[at + 1];
                }
            }
            return new long[] {first, last};
        }
    }

    /** The most a receiver's kernel can hold unread, see {@link TcpSinkSpec#receiveBufferBound()}. */
    private static final long RECEIVE_BUFFER_BOUND = TcpSinkSpec.receiveBufferBound();

    /**
     * The state of one {@link #write} call. {@code concatMap} runs one {@link #send} at a time, so
     * the records and the encoder are only touched by one thread at a time.
     */
    private final class Session {
        /**
         * Every record taken and not yet known delivered, encoded: the re-send window (what the
         * kernel took on the current connection since the last point known to be delivered, bounded
         * by {@code resend_bytes}), then what waits to be written.
         */
        final EncodedRecords log = new EncodedRecords();
        final FramedEncoder encoder = spec.encoder().newFramedEncoder();
        final Retry reconnect = reconnectBackoff(spec.backoffMin(), spec.backoffMax(), timer)
                .doBeforeRetry(signal -> {
                    counters.error(describe(signal.failure()));
                    counters.connection("down");
                });
        volatile Link link;
        long gen;
        final DeliveryAck ack;
        /** Records received from the buffer so far: the positions acknowledged to it. */
        long received;
        /** What the last record the encoder refused was reported with (a connection does not clear it). */
        String encodeError;

        Session(DeliveryAck ack) {
            this.ack = ack;
        }

        /** Delivery hook: everything up to the newest record of the window is delivered. */
        private void ackWindow() {
            // the newest position in the buffer's flux (the sink's own gap records are not the buffer's)
            long at = log.newestAckInWindow();
            if (at != 0) {
                ack.delivered(at);
            }
        }

        /** The record (its number) first in line at the last broken connection, and how many broke with it there. */
        long suspect = -1;
        int suspectBreaks;

        Mono<Void> send(List<LogRecord> batch) {
            long lastOfBatch = -1;
            for (LogRecord r : batch) {
                long n = encode(r, false);
                if (n >= 0) {
                    lastOfBatch = n;
                }
            }
            // a record that could not be encoded is counted as dropped: acknowledged with the batch
            received += batch.size();
            if (lastOfBatch >= 0) {
                log.ackAt(lastOfBatch, received);
            }
            return Flux.defer(this::attempt).retryWhen(reconnect).then();
        }

        /**
         * Encodes a record once, as it will be written and re-sent; a record the encoder cannot
         * represent is counted and announced, never sent half-done.
         *
         * @return its number, or -1 when it could not be encoded
         */
        private long encode(LogRecord r, boolean own) {
            try {
                return log.append(r, own, encoder);
            } catch (RuntimeException bad) {
                encodeFailed(r, own, bad);
                return -1;
            }
        }

        private void encodeFailed(LogRecord r, boolean own, RuntimeException bad) {
            String why = RecordEncoder.failure(r, bad);
            encodeError = why;
            if (own) {
                counters.error(why);
            } else {
                counters.encodeFailed(why);
            }
            LOG.warn("sink {}: {}", spec.name(), why);
        }

        /** Writes what is pending; emits the link when it had to connect, which restarts the backoff. */
        private Flux<Link> attempt() {
            Link l = link;
            if (l != null && (l.end != Link.OPEN || l.conn.isDisposed())) {
                lost(l);
                l = null;
            }
            if (l == null) {
                counters.connection("connecting");
                return client.connect().flatMapMany(c -> {
                    // Dialling a free loopback port in the ephemeral range can connect a socket to
                    // itself; writes would then "succeed" into the void.
                    if (java.util.Objects.equals(c.channel().localAddress(), c.channel().remoteAddress())) {
                        c.dispose();
                        return Flux.<Link>error(new java.net.ConnectException("connected to itself: nobody listens on "
                                + spec.endpoint()));
                    }
                    Link fresh = connected(c);
                    return Mono.just(fresh).concatWith(writePending(fresh).then(Mono.empty()));
                });
            }
            return writePending(l).thenMany(Flux.empty());
        }

        private Link connected(Connection c) {
            Link l = new Link(c, ++gen, sendQueueBound(c) + RECEIVE_BUFFER_BOUND);
            // a connection after a lost one or after failed attempts is a reconnect; the error that
            // kept it down is over, so status no longer shows it next to "up". A record the encoder
            // refused (records are encoded when taken, before connecting) is no connection error: it stays.
            String last = counters.lastError();
            boolean downError = last != null && !last.equals(encodeError);
            if (gen > 1 || downError) {
                counters.addReconnect();
            }
            if (downError) {
                counters.error(null);
            }
            counters.connection("up");
            link = l;
            // Inbound tells how the connection ends: EOF = orderly close by the receiver, error = reset.
            // The state shows the break at once, not only when the next batch finds the link gone.
            c.inbound().receive().then().subscribe(null, err -> {
                l.fail();
                counters.error(describe(err));
                if (link == l) {
                    counters.connection("down");
                }
                c.dispose();
            }, () -> {
                if (l.end == Link.OPEN) {
                    l.endNanos = System.nanoTime();
                    l.busyAtEnd = l.writing;
                    l.end = Link.PEER_CLOSED;
                }
                if (link == l) {
                    counters.connection(l.mayHaveLost() ? "down" : "idle");
                }
                c.dispose();
            });
            return l;
        }

        /** The most the kernel can hold in this connection's send queue (Linux reports the doubled value). */
        private long sendQueueBound(Connection c) {
            try {
                Integer sndbuf = c.channel().config().getOption(ChannelOption.SO_SNDBUF);
                if (sndbuf != null && sndbuf > 0) {
                    return Math.max(sndbuf, 2L * sendBufferBytes(spec.resendBytes()));
                }
            } catch (RuntimeException ignored) {
                // the transport does not report it: assume Linux's doubling of what was asked
            }
            return 2L * sendBufferBytes(spec.resendBytes());
        }

        /** The connection is gone: decide whether what it carried must be written again. */
        private void lost(Link l) {
            link = null;
            if (l.end == Link.OPEN) {
                l.fail();
            }
            if (!l.mayHaveLost()) {
                counters.connection("idle"); // idle close: the receiver had everything
                ackWindow();
                log.dropWindow();
                suspect = -1;
                suspectBreaks = 0;
                return;
            }
            // Re-send the window first, in order, as the bytes first written, then what was waiting.
            log.rewind();
            countUnconfirmed(l);
            if (l.firstWriteNanos == 0 || !log.hasPending()) {
                return; // nothing was written on it: says nothing about any record
            }
            if (l.madeProgress()) {
                // The receiver took this connection's older records for a while: suspect the first
                // record written for the first time shortly before it broke.
                suspect = -1;
                for (long n = log.first(); n < log.next(); n++) {
                    if (!log.sent(n) || log.firstSentNanos(n) >= l.endNanos - POISON_GRACE_NANOS) {
                        suspect = n;
                        break;
                    }
                }
                suspectBreaks = 1;
                return;
            }
            if (suspect < log.first() || suspect >= log.next()) {
                suspect = log.first();
                suspectBreaks = 1;
                return;
            }
            if (++suspectBreaks >= POISON_BREAKS) {
                dropPoison(suspect);
            }
        }

        /**
         * After a break that may have lost data: the records that left the window while the receiver
         * may not have read them cannot be re-sent. TCP does not tell how much the receiver read, so
         * all of them are counted as dropped (an upper bound of the loss) and announced by one gap
         * record ahead of the re-sent window, in their place.
         */
        private void countUnconfirmed(Link l) {
            Unconfirmed u = l.unconfirmed;
            u.confirm(l.accepted, l.safeDistance);
            if (u.isEmpty()) {
                return;
            }
            long records = u.records;
            long gaps = u.gaps;
            long[] range = u.cursorRange();
            String what = records + " records" + (records > 0 ? " (cursors " + range[0] + ".." + range[1] + ")" : "")
                    + (u.gapLost > 0 ? " and gap records announcing " + u.gapLost + " earlier drops" : "");
            String why = "connection broke: " + what + " had left the re-send window (resend_bytes "
                    + spec.resendBytes() + ") less than " + l.safeDistance + " bytes before the end, the send"
                    + " queue plus what the receiver can hold unread; dropped, as the receiver may not have read them";
            LOG.warn("sink {}: {}: raise resend_bytes to at least {} to re-send them instead", spec.name(),
                    why, l.safeDistance);
            counters.error(why);
            // counted as written when the kernel took them; maybe lost all the same
            counters.retractWritten(records, gaps);
            LogRecord gap = LogRecord.gap(LogRecord.now(), "sink " + spec.name()
                    + " (connection broke beyond the re-send window)", records + u.gapLost);
            try {
                log.prepend(gap, true, encoder);
            } catch (RuntimeException bad) {
                encodeFailed(gap, true, bad);
            }
        }

        /** A record that breaks every connection it is sent on: drop it, count it, say so, go on. */
        private void dropPoison(long bad) {
            byte kind = log.kind(bad);
            boolean own = kind == EncodedRecords.OWN_GAP;
            String what = kind == EncodedRecords.RECORD ? "record " + log.value(bad) : "gap record";
            String why = "sink " + spec.name() + ": " + what + " broke " + suspectBreaks
                    + " connections in a row (the receiver drops the connection on it); dropped";
            LOG.warn("{} ({} bytes encoded, starting {})", why, log.size(bad), log.preview(bad, 160));
            counters.error(why);
            boolean written = log.written(bad);
            LogRecord instead = own ? null : LogRecord.gap(LogRecord.now(), "sink " + spec.name()
                    + " (" + what + " broke the connection " + suspectBreaks + " times)", 1);
            log.replace(bad, instead, encoder);
            // Go on suspecting the one after it, in case the receiver still breaks every connection.
            suspect = bad + 1 < log.next() ? bad + 1 : -1;
            suspectBreaks = suspect < 0 ? 0 : 1;
            if (own) {
                return; // our own announcement: nothing the sink was given is lost
            }
            if (written) {
                counters.retractWritten(1, 0); // counted when the kernel took it; it is lost all the same
            } else {
                counters.addDropped(1);
            }
        }

        private Mono<Void> writePending(Link l) {
            if (!log.hasPending()) {
                return Mono.empty();
            }
            counters.addResent(log.markSent(System.nanoTime()));
            Channel ch = l.conn.channel();
            // One copy from the encoded chunks (kept for re-sending) into a pooled direct buffer: the
            // socket write needs the bytes in direct memory, so wrapping the heap chunks would only move
            // that copy into the transport (and hand it arrays the window later reuses).
            long bytes = log.pendingBytes();
            ByteBuf out = ch.alloc().directBuffer((int) bytes);
            log.copyPending(out);
            l.writing = true;
            long started = System.nanoTime();
            return Mono.<Void>create(sink -> ch.writeAndFlush(out).addListener(f -> {
                        if (!f.isSuccess()) {
                            l.fail(); // while still writing: bytes were waiting when it broke
                        }
                        l.writing = false;
                        if (System.nanoTime() - started >= STALL_NANOS) {
                            l.stalled = true;
                        }
                        if (f.isSuccess()) {
                            sink.success();
                        } else {
                            sink.error(f.cause());
                        }
                    }))
                    .timeout(spec.writeTimeout(), timer)
                    .doOnSuccess(v -> {
                        long now = System.nanoTime();
                        l.lastWriteNanos = now;
                        if (l.firstWriteNanos == 0) {
                            l.firstWriteNanos = now;
                        }
                        counters.addWrittenBytes(bytes);
                        keep(l, bytes);
                    })
                    .doOnError(err -> abort(l, err));
        }

        /** After a successful write: it joins the window, which keeps only the newest {@code resend_bytes}. */
        private void keep(Link l, long bytes) {
            l.accepted += bytes;
            counters.addWritten(log.markWritten());
            long evicted = 0;
            l.unconfirmed.confirm(l.accepted, l.safeDistance);
            // A record leaves only when resend_bytes of newer records stay behind it: with a window of
            // at least the safe distance, whatever leaves is known read.
            long n;
            while (log.hasWindow() && log.windowBytes() - log.size(n = log.first()) >= spec.resendBytes()) {
                long behind = log.behind(n);
                if (behind < l.safeDistance) {
                    byte kind = log.kind(n);
                    long v = log.value(n);
                    l.unconfirmed.add(l.accepted - behind, kind == EncodedRecords.RECORD ? v : 0,
                            kind == EncodedRecords.RECORD ? 0 : v, kind == EncodedRecords.OWN_GAP
                                    ? Unconfirmed.OWN_GAP : kind == EncodedRecords.BUFFER_GAP
                                    ? Unconfirmed.BUFFER_GAP : Unconfirmed.RECORD);
                }
                long at = log.ackAt(n);
                if (at != 0) {
                    evicted = at;
                }
                log.evictFirst();
            }
            if (evicted != 0) {
                // out of the window: it can no longer be re-sent, so it counts as delivered
                ack.delivered(evicted);
            }
        }


        /** Ends a connection after a failed or stuck write, with a reset rather than an orderly close. */
        private void abort(Link l, Throwable err) {
            if (err instanceof TimeoutException) {
                l.stalled = true;
            }
            l.fail();
            if (err instanceof TimeoutException) {
                counters.error("write timeout after " + spec.writeTimeout().toMillis() + "ms");
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
            // Records the kernel never took are lost when the sink is stopped early: count them, so
            // that every record taken from the buffer is either written or dropped.
            long never = 0;
            for (long n = log.sendFrom(); n < log.next(); n++) {
                if (!log.written(n)) {
                    byte kind = log.kind(n);
                    if (kind == EncodedRecords.BUFFER_GAP) {
                        counters.addUnsentGap();
                    } else if (kind == EncodedRecords.RECORD) {
                        never++;
                    }
                }
            }
            if (never > 0) {
                counters.addDropped(never);
            }
            if (sig == SignalType.ON_COMPLETE && !log.hasPending()) {
                ackWindow(); // every write completed and the close below is orderly
            }
            log.clear();
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
            counters.connection(sig == SignalType.ON_COMPLETE ? "closed" : "stopped");
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
