package dev.logrouter.core.router;

import dev.logrouter.core.testsupport.TestSpecs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.fdsocket.FdSocketSource;
import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.JournalSpec;
import dev.logrouter.core.net.NetFormat;
import dev.logrouter.core.net.NetProtocol;
import dev.logrouter.core.net.NetSource;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.route.RouteSpec;
import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.sink.SinkBuffer;
import dev.logrouter.core.sink.WhenFull;
import dev.logrouter.core.testsupport.RecordQueue;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A {@code when_full: block} sink that stalls holds back the writers of the sources routed to it (a
 * full TCP window, a full pipe) while no intake thread waits: the event loops keep accepting
 * connections and datagrams, and other sources keep flowing. Once the sink drains, every record
 * arrives. Real sockets, real pipes, writers in child processes (whose kernel wait channel shows
 * they are blocked in a write).
 */
class DemandDrivenIntakeTest {

    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Holds every record until {@link #open}; then takes them all, in order. */
    static final class GateSink implements LogSink {
        final String name;
        final Sinks.Empty<Void> gate = Sinks.empty();
        final List<LogRecord> got = Collections.synchronizedList(new ArrayList<>());

        GateSink(String name) {
            this.name = name;
        }

        void open() {
            gate.tryEmitEmpty();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String type() {
            return "gate";
        }

        @Override
        public Mono<Void> write(Flux<LogRecord> records) {
            return records.delayUntil(r -> gate.asMono()).doOnNext(got::add).then();
        }
    }

    private static RouteSpec route(String source, String sink) {
        return new RouteSpec(Set.of(source), null, null, null, null, null, List.of(sink));
    }

    private Process child(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        children.add(p);
        return p;
    }

    /** Blocked in a write to a full pipe or a full TCP send buffer, as the kernel sees it. */
    private static boolean blockedInWrite(Process p) {
        try {
            String wchan = Files.readString(Path.of("/proc/" + p.pid() + "/wchan")).trim();
            // "0" or empty: the kernel hides wait channels here; the other checks still hold
            return wchan.isEmpty() || wchan.equals("0") || wchan.contains("pipe_write")
                    || wchan.contains("pipe_wait_writable") || wchan.contains("sk_stream_wait_memory")
                    || wchan.contains("wait_woken");
        } catch (IOException e) {
            return false;
        }
    }

    /** No intake thread of {@code source} is inside the router or a sink buffer (parked or not). */
    private static void assertLoopsFree(String source) {
        int seen = 0;
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            String n = e.getKey().getName();
            if (!n.startsWith(source + "-") && !n.startsWith("intake-" + source + "-")) {
                continue;
            }
            seen++;
            for (StackTraceElement f : e.getValue()) {
                assertThat(f.getClassName()).as("thread %s (%s) is in the router or a sink", n, e.getKey().getState())
                        .doesNotStartWith("dev.logrouter.core.sink.")
                        .doesNotStartWith("dev.logrouter.core.router.");
            }
        }
        assertThat(seen).as("intake threads of %s", source).isPositive();
    }

    private static void assertInOrderOnce(List<LogRecord> got, String prefix, int n) {
        List<String> msgs = new ArrayList<>();
        for (LogRecord r : got) {
            if (r.msg().startsWith(prefix)) {
                msgs.add(r.msg());
            }
        }
        assertThat(msgs).hasSize(n);
        Set<String> unique = new HashSet<>(msgs);
        assertThat(unique).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(msgs.get(i)).startsWith(prefix + i + " ");
        }
    }

    static final String PY_TCP_WRITER = String.join("\n",
            "import socket, sys",
            "port, n = int(sys.argv[1]), int(sys.argv[2])",
            "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)",
            "s.connect(('127.0.0.1', port))",
            "pad = b'x' * 80",
            "for start in range(0, n, 1000):",
            "    s.sendall(b''.join(b'tcp-%d %s\\n' % (i, pad) for i in range(start, min(n, start + 1000))))",
            "s.close()",
            "print('done', flush=True)");

    @Test
    void aStalledBlockSinkHoldsBackATcpWriterWithoutBlockingTheEventLoop() throws Exception {
        int n = 100_000; // ~9 MB: far beyond what the kernel buffers of one connection hold
        try (Journal journal = Journal.create(new JournalSpec(10_000, 1L << 26)); Router router = new Router(journal)) {
            GateSink slow = new GateSink("slow");
            dev.logrouter.core.testsupport.CollectingSink fast = dev.logrouter.core.testsupport.CollectingSink.named("fast");
            Map<LogSink, BufferSpec> sinks = new LinkedHashMap<>();
            sinks.put(slow, new BufferSpec(100, 1 << 20, WhenFull.BLOCK));
            sinks.put(fast, TestSpecs.BUFFER);
            router.startSinks(sinks, List.of(routeBySource("held", "slow"), routeBySource("free", "fast")));
            NetSource held = new NetSource(TestSpecs.net("held", NetProtocol.TCP, "127.0.0.1:0", NetFormat.TEXT));
            NetSource free = new NetSource(TestSpecs.net("free", NetProtocol.TCP, "127.0.0.1:0", NetFormat.TEXT));
            router.attach(held);
            router.attach(free);
            RecordQueue.awaitTrue(() -> held.address() != null && free.address() != null, WAIT, () -> "bound");

            Process writer = child("python3", "-c", PY_TCP_WRITER, String.valueOf(held.address().getPort()),
                    String.valueOf(n));
            SinkBuffer buffer = router.buffers().get("slow");
            RecordQueue.awaitTrue(() -> buffer.depth() == 100 && blockedInWrite(writer) && writer.isAlive(), WAIT,
                    () -> "writer held back: depth " + buffer.depth() + ", source " + held.counters().snapshot());

            // the source's event loop is free: another connection is handled, and another source flows
            try (Socket second = new Socket("127.0.0.1", held.address().getPort())) {
                OutputStream out = second.getOutputStream();
                out.write("second connection\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                RecordQueue.awaitTrue(() -> held.counters().value("connections") == 2, WAIT, () -> "second connection handled");
            }
            try (Socket other = new Socket("127.0.0.1", free.address().getPort())) {
                OutputStream out = other.getOutputStream();
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < 1000; i++) {
                    b.append("free-").append(i).append(" line\n");
                }
                out.write(b.toString().getBytes(StandardCharsets.UTF_8));
            }
            RecordQueue.awaitTrue(() -> fast.got.size() == 1000, WAIT, () -> "free source flows: " + fast.got.size());
            assertLoopsFree("held");
            // the source read little beyond the buffer's bound and one request batch; the writer waits
            assertThat(held.counters().value("records")).isLessThan(100 + 1 + SourceIntake.BATCH + 2_000);
            assertThat(writer.isAlive()).isTrue();
            assertThat(buffer.dropped()).isZero();

            slow.open();
            assertThat(writer.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            RecordQueue.awaitTrue(() -> slow.got.size() == n + 1, WAIT, () -> "delivered " + slow.got.size());
            assertInOrderOnce(slow.got, "tcp-", n);
            assertThat(slow.got).extracting(LogRecord::msg).contains("second connection");
            assertThat(buffer.dropped()).isZero();
            assertInOrderOnce(fast.got, "free-", 1000);
        }
    }

    static final String PY_PIPE_WRITER = String.join("\n",
            "import array, os, socket, sys",
            "path, name, n, prefix = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3]), sys.argv[4].encode()",
            "r, w = os.pipe()",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
            "s.sendmsg([name], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', [r]))], 0, path)",
            "os.close(r)",
            "pad = b'y' * 80",
            "for start in range(0, n, 1000):",
            "    data = b''.join(b'%s-%d %s\\n' % (prefix, i, pad) for i in range(start, min(n, start + 1000)))",
            "    while data:",
            "        data = data[os.write(w, data):]",
            "os.close(w)",
            "print('done', flush=True)");

    @Test
    void aStalledBlockSinkHoldsBackAPipeWriterWhileTheFdSocketLoopReceives() throws Exception {
        int n = 20_000; // ~1.8 MB: far beyond a 64 KiB pipe
        Path sock = dir.resolve("log.sock");
        try (Journal journal = Journal.create(new JournalSpec(10_000, 1L << 26)); Router router = new Router(journal)) {
            GateSink slow = new GateSink("slow");
            Map<LogSink, BufferSpec> sinks = new LinkedHashMap<>();
            sinks.put(slow, new BufferSpec(100, 1 << 20, WhenFull.BLOCK));
            router.startSinks(sinks, List.of(routeBySource("services", "slow")));
            FdSocketSource src = new FdSocketSource(TestSpecs.fdSocket("services", sock));
            router.attach(src);
            RecordQueue.awaitTrue(() -> Files.exists(sock), WAIT, () -> "socket bound");

            Process writer = child("python3", "-c", PY_PIPE_WRITER, sock.toString(), "big.out", String.valueOf(n), "pipe");
            SinkBuffer buffer = router.buffers().get("slow");
            RecordQueue.awaitTrue(() -> buffer.depth() == 100 && blockedInWrite(writer) && writer.isAlive(), WAIT,
                    () -> "writer held back: depth " + buffer.depth() + ", source " + src.counters().snapshot());

            // the event loop still receives datagrams (and the new pipe's fd) while the big pipe waits
            Process second = child("python3", "-c", PY_PIPE_WRITER, sock.toString(), "small.out", "1", "small");
            RecordQueue.awaitTrue(() -> src.counters().value("fds_received") == 2 && src.counters().value("datagrams") == 2, WAIT,
                    () -> "second datagram received: " + src.counters().snapshot());
            assertThat(second.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertLoopsFree("fdsocket-services");
            assertThat(src.counters().value("lines")).isLessThan(100 + 1 + SourceIntake.BATCH + 1_000);
            assertThat(writer.isAlive()).isTrue();

            slow.open();
            assertThat(writer.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            RecordQueue.awaitTrue(() -> slow.got.size() == n + 1, WAIT, () -> "delivered " + slow.got.size());
            assertInOrderOnce(slow.got, "pipe-", n);
            assertThat(buffer.dropped()).isZero();
            RecordQueue.awaitTrue(() -> src.counters().value("fds_open") == 0, WAIT, () -> "pipes closed: " + src.counters().snapshot());
        }
    }

    private static RouteSpec routeBySource(String source, String sink) {
        return route(source, sink);
    }
}
