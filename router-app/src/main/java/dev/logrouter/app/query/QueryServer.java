package dev.logrouter.app.query;

import dev.logrouter.app.status.StatusReport;
import dev.logrouter.core.io.SocketFile;
import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.ReadMode;
import dev.logrouter.core.record.LogRecord;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.PeerCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;
import reactor.netty.tcp.TcpServer;

/**
 * The query socket: an AF_UNIX stream socket serving the journal to readers.
 *
 * <p>The first byte a client sends picks the protocol: {@code 0x00}/{@code 0x01}/{@code 0x02} is
 * LinuxKit memlogd's (dump / follow / dump then follow, answered with memlogd JSON lines, see
 * {@link MemlogdFormat}); {@code {} starts an extended JSON request line (see
 * {@code docs/query-protocol.md}) answered with full records ({@link RecordJson}), a status
 * report, or the {@link ReloadReport} of a config reload it asked for. Anything else, a malformed request, or no complete request within the timeout gets one
 * {@code {"error":...}} line and a close; a peer refused by {@code allow_uids}/{@code allow_gids} too,
 * except a memlogd-protocol peer, which gets a plain close (stock {@code logread} cannot parse an
 * error object); the reason is always in the router's log.
 *
 * <p>Backpressure: each client is one journal reader that reads only as fast as its socket drains
 * (writes stop while the channel is not writable), so a stalled client holds a cursor and a bounded
 * outbound buffer, never slows ingest, and gets a gap record with the exact count when it falls
 * behind the ring. Nothing is replayed beyond what the journal holds.
 */
public final class QueryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueryServer.class);

    /** How long a refused client may take to close its side after the error line. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

    private final QuerySettings settings;
    private final SocketFile socketFile;
    private final Journal journal;
    private final Supplier<StatusReport> status;
    private final Function<String, CompletableFuture<ReloadReport>> reload;
    private final PeerAccess access;
    private final QueryCounters counters = new QueryCounters();
    private volatile DisposableServer server;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();

    private QueryServer(QuerySettings settings, Journal journal, Supplier<StatusReport> status,
                        Function<String, CompletableFuture<ReloadReport>> reload) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.socketFile = new SocketFile(settings.socket(), settings.modeBits());
        this.journal = Objects.requireNonNull(journal, "journal");
        this.status = status;
        this.reload = reload;
        this.access = new PeerAccess(settings.allowUids(), settings.allowGids());
    }

    /**
     * Binds the socket (file mode applied before the socket is reachable at its path) and serves.
     *
     * @param status supplies the answer to status requests; {@code null} answers them with an error
     * @throws UncheckedIOException when the path is in use by a live server or cannot be bound
     */
    public static QueryServer start(QuerySettings settings, Journal journal, Supplier<StatusReport> status) {
        return start(settings, journal, status, null);
    }

    /**
     * As {@link #start(QuerySettings, Journal, Supplier)}, also answering reload requests.
     *
     * @param reload runs a config reload, given who asked (for the router's log), and completes with
     *               its report; it must not block the caller (a Netty event loop). {@code null}
     *               answers reload requests with an error. A client that goes away before the answer
     *               does not cancel the reload.
     */
    public static QueryServer start(QuerySettings settings, Journal journal, Supplier<StatusReport> status,
                                    Function<String, CompletableFuture<ReloadReport>> reload) {
        QueryServer s = new QueryServer(settings, journal, status, reload);
        s.bind();
        return s;
    }

    public QuerySettings settings() {
        return settings;
    }

    public Path socket() {
        return settings.socket();
    }

    public QueryCounters counters() {
        return counters;
    }

    private void bind() {
        try {
            server = socketFile.bindChannel(at -> TcpServer.create()
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .bindAddress(() -> new DomainSocketAddress(at.toString()))
                    .handle(this::serve)
                    .bindNow(Duration.ofSeconds(10)));
        } catch (IOException | RuntimeException e) {
            throw new UncheckedIOException("cannot bind query socket " + socketFile.path() + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    private Publisher<Void> serve(NettyInbound in, NettyOutbound out) {
        counters.connections.incrementAndGet();
        counters.active.incrementAndGet();
        Connection[] conn = new Connection[1];
        in.withConnection(c -> conn[0] = c);
        Connection c = conn[0];
        open.add(c);
        // one reader of the inbound side for the whole connection: it decodes the first request and
        // discards whatever follows, so unread client bytes never turn our close into a reset that
        // would destroy the error line
        RequestDecoder decoder = new RequestDecoder();
        Sinks.One<RequestDecoder.Request> first = Sinks.one();
        Sinks.Empty<Void> inboundDone = Sinks.empty();
        // with half-closure allowed the client's EOF is an event, not a close: note it ourselves
        c.addHandlerFirst("query-eof", new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof ChannelInputShutdownEvent) {
                    inboundDone.tryEmitEmpty();
                }
                ctx.fireUserEventTriggered(evt);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                inboundDone.tryEmitEmpty();
                ctx.fireChannelInactive();
            }
        });
        boolean[] decided = new boolean[1];
        in.receive().asByteArray().subscribe(chunk -> {
            if (decided[0]) {
                return;
            }
            try {
                decoder.feed(chunk).ifPresent(r -> {
                    decided[0] = true;
                    first.tryEmitValue(r);
                });
            } catch (IllegalArgumentException e) {
                decided[0] = true;
                first.tryEmitError(e);
            }
        }, err -> {
            first.tryEmitEmpty();
            inboundDone.tryEmitEmpty();
        }, () -> {
            first.tryEmitEmpty();
            inboundDone.tryEmitEmpty();
        });

        String denied = checkPeer(c.channel());
        Mono<Void> handling;
        if (denied != null) {
            counters.refused.incrementAndGet();
            LOG.warn("query socket {}: {}", settings.socket(), denied);
            // The reply depends on the protocol the peer speaks: stock LinuxKit logread reads memlogd
            // entries and cannot parse an error object, so a memlogd client just sees the close.
            handling = first.asMono()
                    .timeout(settings.requestTimeout())
                    .map(req -> req.memlogdMode() != null)
                    .onErrorReturn(false)
                    .defaultIfEmpty(false)
                    .flatMap(memlogd -> memlogd ? closeQuietly(c, inboundDone) : refuse(out, c, inboundDone, denied));
        } else {
            handling = first.asMono()
                    .timeout(settings.requestTimeout())
                    .flatMap(req -> answer(req, c.channel(), out, inboundDone.asMono()))
                    .onErrorResume(TimeoutException.class, e -> {
                        counters.timedOut.incrementAndGet();
                        return refuse(out, c, inboundDone,
                                "no request within " + settings.requestTimeout().toMillis() + " ms");
                    })
                    .onErrorResume(IllegalArgumentException.class, e -> {
                        counters.badRequests.incrementAndGet();
                        return refuse(out, c, inboundDone, e.getMessage());
                    });
        }
        return handling.doFinally(sig -> {
            open.remove(c);
            counters.active.decrementAndGet();
            c.dispose();
        });
    }

    /**
     * Sends the error line, half-closes so the client reads it and EOF, then waits briefly for the
     * client to close its side (reading and discarding what it still sends) before the full close.
     */
    private static Mono<Void> refuse(NettyOutbound out, Connection c, Sinks.Empty<Void> inboundDone, String message) {
        return sendError(out, message)
                .then(Mono.<Void>defer(() -> {
                    if (c.channel() instanceof DuplexChannel d && d.isActive()) {
                        d.shutdownOutput();
                    }
                    return inboundDone.asMono();
                }))
                .timeout(CLOSE_GRACE, Mono.empty());
    }

    /** Closes without a reply (the reason is in the router's log), letting the client read EOF first. */
    private static Mono<Void> closeQuietly(Connection c, Sinks.Empty<Void> inboundDone) {
        return Mono.<Void>defer(() -> {
            if (c.channel() instanceof DuplexChannel d && d.isActive()) {
                d.shutdownOutput();
            }
            return inboundDone.asMono();
        }).timeout(CLOSE_GRACE, Mono.empty());
    }

    private String checkPeer(Channel ch) {
        if (access.open()) {
            return null;
        }
        if (!(ch instanceof EpollDomainSocketChannel epoll)) {
            return "access denied: peer credentials unavailable on this transport";
        }
        PeerCredentials cred;
        try {
            cred = epoll.peerCredentials();
        } catch (IOException e) {
            return "access denied: cannot read peer credentials: " + e.getMessage();
        }
        int[] gids = cred.gids();
        return access.check(cred.pid(), cred.uid(), gids.length > 0 ? gids[0] : -1);
    }

    private Mono<Void> answer(RequestDecoder.Request req, Channel ch, NettyOutbound out, Mono<Void> inboundDone) {
        if (req.memlogdMode() != null) {
            Mono<Void> send = out.sendByteArray(records(journal.read(req.memlogdMode(), 0))
                    .map(MemlogdFormat::jsonLineBytes)).then();
            return req.memlogdMode() == ReadMode.DUMP ? send : untilClientCloses(send, inboundDone);
        }
        QueryRequest q = req.extended();
        if (q.status()) {
            if (status == null) {
                return sendError(out, "status is not available on this server");
            }
            return out.sendByteArray(Mono.fromSupplier(() -> (status.get().toJson() + "\n")
                    .getBytes(StandardCharsets.UTF_8))).then();
        }
        if (q.reload()) {
            if (reload == null) {
                return sendError(out, "reload is not available on this server");
            }
            String who = "query socket " + settings.socket() + " (" + peerText(ch) + ")";
            // suppressCancel: a client that disconnects mid-reload must not leave it half done or skipped
            return out.sendByteArray(Mono.defer(() -> Mono.fromFuture(reload.apply(who), true))
                    .map(r -> (r.toJson() + "\n").getBytes(StandardCharsets.UTF_8))).then();
        }
        Mono<Void> send = out.sendByteArray(records(JournalQuery.select(journal, q)).map(RecordJson::lineBytes)).then();
        return q.mode() == ReadMode.DUMP ? send : untilClientCloses(send, inboundDone);
    }

    /**
     * A follower ends when the client closes its side: half-closure is allowed so that a dump still
     * completes for a client that shuts down its write side after the request (socat, nc), but an idle
     * follower must be released as soon as its client goes away, not at the next write.
     */
    private static Mono<Void> untilClientCloses(Mono<Void> send, Mono<Void> inboundDone) {
        return Mono.firstWithSignal(send, inboundDone);
    }

    /** Who is connected, for the router's log: {@code pid 12 uid 1000}, or {@code peer unknown}. */
    private static String peerText(Channel ch) {
        if (ch instanceof EpollDomainSocketChannel epoll) {
            try {
                PeerCredentials cred = epoll.peerCredentials();
                return "pid " + cred.pid() + " uid " + cred.uid();
            } catch (IOException e) {
                return "peer unknown: " + e.getMessage();
            }
        }
        return "peer unknown";
    }

    private Flux<LogRecord> records(Flux<LogRecord> f) {
        return f.doOnNext(r -> {
            counters.recordsSent.incrementAndGet();
            if (r.isGap()) {
                counters.gapsSent.addAndGet(r.lost());
            }
        });
    }

    /** The error line clients get before the close: {@code {"error":"..."}}. */
    static String errorLine(String message) {
        StringBuilder sb = new StringBuilder(message.length() + 16);
        sb.append("{\"error\":");
        MemlogdFormat.appendGoString(sb, message);
        sb.append("}\n");
        return sb.toString();
    }

    private static Mono<Void> sendError(NettyOutbound out, String message) {
        return out.sendByteArray(Mono.just(errorLine(message).getBytes(StandardCharsets.UTF_8))).then();
    }

    /** Stops serving: closes the listener and every client connection, removes the socket file. */
    @Override
    public void close() {
        DisposableServer s = server;
        server = null;
        if (s != null) {
            s.disposeNow(Duration.ofSeconds(5));
        }
        for (Connection c : open) {
            c.dispose();
        }
        socketFile.remove();
    }
}
