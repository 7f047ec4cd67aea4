package dev.logrouter.core.fdsocket;

import dev.logrouter.core.testsupport.TestSpecs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.testsupport.RecordQueue;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;
import org.newsclub.net.unix.FileDescriptorCast;
import reactor.test.scheduler.VirtualTimeScheduler;

class FdSocketSourceTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    /** An OS pipe(2): read end and write end. */
    record OsPipe(FileDescriptor read, FileDescriptor write) {
    }

    @BeforeAll
    static void nativeTransport() {
        io.netty.channel.epoll.Epoll.ensureAvailability();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    static OsPipe pipe() throws IOException {
        io.netty.channel.unix.FileDescriptor[] p = io.netty.channel.unix.FileDescriptor.pipe();
        return new OsPipe(FileDescriptorCast.unsafeUsing(p[0].intValue()).getFileDescriptor(),
                FileDescriptorCast.unsafeUsing(p[1].intValue()).getFileDescriptor());
    }

    static void close(FileDescriptor fd) throws IOException {
        new FileInputStream(fd).close();
    }

    private FdSocketSource start(FdSocketSpec spec, RecordQueue[] out) {
        FdSocketSource src = new FdSocketSource(spec);
        RecordQueue q = new RecordQueue(src.records());
        cleanup.add(q);
        RecordQueue.awaitTrue(() -> Files.exists(spec.path()) || q.error() != null, WAIT, () -> "socket bound");
        out[0] = q;
        return src;
    }

    private FdSocketClient client(Path socket) throws IOException {
        FdSocketClient c = FdSocketClient.connect(socket);
        cleanup.add(c);
        return c;
    }

    @Test
    void readsAPipeWrittenByAChildProcess() throws Exception {
        Path sock = dir.resolve("log.sock");
        RecordQueue[] q = new RecordQueue[1];
        FdSocketSource src = start(TestSpecs.fdSocket("services", sock), q);
        OsPipe p = pipe();
        client(sock).send("onboot.001-dhcpcd.out", p.read());
        close(p.read());
        Process child = new ProcessBuilder("sh", "-c", "printf 'first line\\nsecond line\\nno newline at end'")
                .redirectOutput(FileDescriptorCast.using(p.write()).as(ProcessBuilder.Redirect.class))
                .start();
        close(p.write());
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        List<LogRecord> got = q[0].await(r -> r.service().equals("onboot.001-dhcpcd"), 3, WAIT);
        assertThat(got).extracting(LogRecord::msg).containsExactly("first line", "second line", "no newline at end");
        assertThat(got).extracting(LogRecord::kind)
                .containsExactly(LogRecord.Kind.NORMAL, LogRecord.Kind.NORMAL, LogRecord.Kind.PARTIAL);
        LogRecord first = got.get(0);
        assertThat(first.source()).isEqualTo("services");
        assertThat(first.stream()).isEqualTo("stdout");
        assertThat(first.fields()).containsEntry(FieldNames.MEMLOGD_NAME, "onboot.001-dhcpcd.out");
        RecordQueue.awaitTrue(() -> src.stats().fdsClosed() == 1, WAIT, () -> "fd closed: " + src.stats());
        assertThat(src.stats().fdsOpen()).isZero();
        assertThat(src.stats().bytes()).isEqualTo("first line\nsecond line\nno newline at end".length());
    }

    @Test
    void readsASocketpairAndNamesStderr() throws Exception {
        Path sock = dir.resolve("log.sock");
        RecordQueue[] q = new RecordQueue[1];
        start(TestSpecs.fdSocket("services", sock), q);
        AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open();
        client(sock).send("web", pair.getSocket2().getFileDescriptor());
        // closing our copy must not shut the shared socket down (channel close would)
        close(pair.getSocket2().getFileDescriptor());
        AFUNIXSocketChannel w = pair.getSocket1();
        w.write(ByteBuffer.wrap("err one\r\nerr two\n".getBytes(StandardCharsets.UTF_8)));
        w.close();
        List<LogRecord> got = q[0].await(r -> r.service().equals("web"), 2, WAIT);
        assertThat(got).extracting(LogRecord::msg).containsExactly("err one", "err two");
        assertThat(got).extracting(LogRecord::stream).containsOnly("stderr");
        assertThat(got.get(0).fields()).isEqualTo(Map.of(FieldNames.MEMLOGD_NAME, "web"));
    }

    @Test
    void readsAFifo() throws Exception {
        Path sock = dir.resolve("log.sock");
        Path fifo = dir.resolve("fifo");
        RecordQueue[] q = new RecordQueue[1];
        start(TestSpecs.fdSocket("services", sock), q);
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        // the writer blocks in open() until the read end is opened below; it opens the fifo once, because
        // the reader sees EOF (and closes) as soon as no writer has it open, so a second open() could block for good
        Process child = new ProcessBuilder("sh", "-c", "{ printf 'from fifo\\n'; printf 'again\\n'; } > \"$0\"",
                fifo.toString()).start();
        cleanup.add(child::destroyForcibly);
        try (FileInputStream in = new FileInputStream(fifo.toFile())) {
            client(sock).send("fifo-svc.out", in.getFD());
        }
        List<LogRecord> got = q[0].await(r -> r.service().equals("fifo-svc"), 2, WAIT);
        assertThat(got).extracting(LogRecord::msg).containsExactly("from fifo", "again");
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void mapsNamesLikeLinuxKit() throws Exception {
        Path sock = dir.resolve("log.sock");
        RecordQueue[] q = new RecordQueue[1];
        start(TestSpecs.fdSocket("services", sock), q);
        String longName = "x".repeat(600);
        String[] names = {"svc.out", "svc", "old.stdout", "old.stderr", "a;b.out", ".out", longName};
        FdSocketClient c = client(sock);
        for (String n : names) {
            OsPipe p = pipe();
            c.send(n, p.read());
            close(p.read());
            try (OutputStream o = new FileOutputStream(p.write())) {
                o.write(("line of " + n.length() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        List<LogRecord> got = q[0].await(r -> true, names.length, WAIT);
        Map<String, LogRecord> byName = got.stream()
                .collect(Collectors.toMap(r -> (String) r.fields().get(FieldNames.MEMLOGD_NAME), r -> r));
        assertThat(byName.get("svc.out")).extracting(LogRecord::service, LogRecord::stream).containsExactly("svc", "stdout");
        assertThat(byName.get("svc")).extracting(LogRecord::service, LogRecord::stream).containsExactly("svc", "stderr");
        assertThat(byName.get("old.stdout")).extracting(LogRecord::service, LogRecord::stream).containsExactly("old", "stdout");
        assertThat(byName.get("old.stderr")).extracting(LogRecord::service, LogRecord::stream).containsExactly("old", "stderr");
        assertThat(byName.get("a;b.out")).extracting(LogRecord::service, LogRecord::stream).containsExactly("a;b", "stdout");
        assertThat(byName.get(".out")).extracting(LogRecord::service, LogRecord::stream).containsExactly(".out", "stderr");
        // cut at 512 bytes as memlogd does
        LogRecord cut = byName.get("x".repeat(512));
        assertThat(cut).isNotNull();
        assertThat(cut.msg()).isEqualTo("line of 600");
    }

    @Test
    void severalFdsInOneDatagramShareTheName() throws Exception {
        Path sock = dir.resolve("log.sock");
        RecordQueue[] q = new RecordQueue[1];
        start(TestSpecs.fdSocket("services", sock), q);
        OsPipe a = pipe();
        OsPipe b = pipe();
        client(sock).send("twin.out", a.read(), b.read());
        close(a.read());
        close(b.read());
        try (OutputStream oa = new FileOutputStream(a.write()); OutputStream ob = new FileOutputStream(b.write())) {
            oa.write("from a\n".getBytes(StandardCharsets.UTF_8));
            ob.write("from b\n".getBytes(StandardCharsets.UTF_8));
        }
        List<LogRecord> got = q[0].await(r -> r.service().equals("twin"), 2, WAIT);
        assertThat(got).extracting(LogRecord::msg).containsExactlyInAnyOrder("from a", "from b");
    }

    /**
     * A client written like memlogd's own (Go) clients: sendmsg from an unbound, unconnected socket.
     * It also sends what Java cannot: a zero-length payload with an fd.
     */
    static final String PY_SENDER = String.join("\n",
            "import array, os, socket, sys",
            "path, name, lines = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3])",
            "r, w = os.pipe()",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
            "s.sendmsg([name], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', [r]))], 0, path)",
            "s.sendto(b'', path)",
            "os.close(r)",
            "try:",
            "    for i in range(lines):",
            "        os.write(w, b'py line %d\\n' % i)",
            "    os.close(w)",
            "    print('ok')",
            "except BrokenPipeError:",
            "    print('EPIPE')");

    static String runPySender(Path sock, String name, int lines) throws Exception {
        Process p = new ProcessBuilder("python3", "-c", PY_SENDER, sock.toString(), name, String.valueOf(lines))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void unconnectedSendmsgClientFromAnotherProcess() throws Exception {
        Path sock = dir.resolve("log.sock");
        RecordQueue[] q = new RecordQueue[1];
        FdSocketSource src = start(TestSpecs.fdSocket("services", sock), q);
        assertThat(runPySender(sock, "pyclient.out", 3)).isEqualTo("ok");
        List<LogRecord> got = q[0].await(r -> r.service().equals("pyclient"), 3, WAIT);
        assertThat(got).extracting(LogRecord::msg).containsExactly("py line 0", "py line 1", "py line 2");
        // the empty datagram it also sent carries no fd
        RecordQueue.awaitTrue(() -> src.stats().ignoredNoFd() == 1, WAIT, () -> "" + src.stats());
    }

    @Test
    void garbageDatagramsAreCountedAndGoodInputStillFlows() throws Exception {
        Path sock = dir.resolve("log.sock");
        RecordQueue[] q = new RecordQueue[1];
        FdSocketSource src = start(TestSpecs.fdSocket("services", sock), q);
        FdSocketClient c = client(sock);
        byte[] junk = new byte[300];
        new java.util.Random(42).nextBytes(junk);
        c.send(junk);                       // no fd
        c.send("name-without-fd".getBytes(StandardCharsets.UTF_8));
        // an fd with an empty name (plus an empty datagram): the fd is closed unread, so the
        // writer gets a broken pipe instead of filling a pipe nobody reads
        assertThat(runPySender(sock, "", 20_000)).isEqualTo("EPIPE");
        RecordQueue.awaitTrue(() -> src.stats().ignoredEmptyName() == 1, WAIT, () -> "" + src.stats());
        Path regular = Files.writeString(dir.resolve("plain.txt"), "regular file\n");
        try (FileInputStream in = new FileInputStream(regular.toFile())) {
            c.send("file.out", in.getFD());  // a regular file cannot be polled
        }
        // raw garbage from a plain datagram client too
        try (AFUNIXDatagramChannel raw = AFUNIXDatagramChannel.open()) {
            raw.send(ByteBuffer.wrap(junk), AFUNIXSocketAddress.of(sock));
        }
        OsPipe good = pipe();
        c.send("good.out", good.read());
        close(good.read());
        try (OutputStream o = new FileOutputStream(good.write())) {
            o.write("still fine\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(q[0].await(r -> r.service().equals("good"), 1, WAIT).get(0).msg()).isEqualTo("still fine");
        RecordQueue.awaitTrue(() -> src.stats().rejectedFds() == 1, WAIT, () -> "" + src.stats());
        FdSocketStats s = src.stats();
        assertThat(s.ignoredNoFd()).isEqualTo(4);
        assertThat(s.ignoredEmptyName()).isEqualTo(1);
        assertThat(s.datagrams()).isEqualTo(7);
        assertThat(s.dropped()).isEqualTo(6);
        assertThat(s.fdsReceived()).isEqualTo(2);
        assertThat(q[0].matching(r -> r.service().equals(LogRecord.SELF_SERVICE)))
                .anySatisfy(r -> assertThat(r.msg()).contains("file.out").contains("cannot be polled"));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {61, 64, 250, 253})
    void readsEveryFdOfADatagramUpToTheKernelLimit(int count) throws Exception {
        Path sock = dir.resolve("log.sock");
        RecordQueue[] q = new RecordQueue[1];
        FdSocketSource src = start(TestSpecs.fdSocket("services", sock), q);
        long before = openFds();
        List<OsPipe> pipes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            pipes.add(pipe());
        }
        client(sock).send("many.out", pipes.stream().map(OsPipe::read).toArray(FileDescriptor[]::new));
        for (OsPipe p : pipes) {
            close(p.read());
        }
        for (int i = 0; i < count; i++) {
            try (OutputStream o = new FileOutputStream(pipes.get(i).write())) {
                o.write(("fd " + i + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        List<LogRecord> got = q[0].await(r -> r.service().equals("many"), count, WAIT);
        assertThat(got).extracting(LogRecord::msg).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, count).mapToObj(i -> "fd " + i).collect(Collectors.toList()));
        RecordQueue.awaitTrue(() -> src.stats().fdsClosed() == count, WAIT, () -> "" + src.stats());
        FdSocketStats s = src.stats();
        assertThat(s.datagrams()).isEqualTo(1);
        assertThat(s.fdsReceived()).isEqualTo(count);
        assertThat(s.rejectedFds()).isZero();
        assertThat(s.receiveErrors()).isZero();
        assertThat(s.fdsOpen()).isZero();
        RecordQueue.awaitTrue(() -> openFdsUnchecked() <= before + 4, WAIT,
                () -> "fds before " + before + ", now " + openFdsUnchecked());
    }

    static long openFdsUnchecked() {
        try {
            return openFds();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aSyslogPriorityPrefixSetsTheLevelUnlessTurnedOff() throws Exception {
        Path sock = dir.resolve("log.sock");
        RecordQueue[] q = new RecordQueue[1];
        start(TestSpecs.fdSocket("services", sock), q);
        OsPipe p = pipe();
        client(sock).send("svc", p.read());
        close(p.read());
        try (OutputStream o = new FileOutputStream(p.write())) {
            o.write("<3>disk failed\n<6>all good\nplain <4> not a prefix\n".getBytes(StandardCharsets.UTF_8));
        }
        List<LogRecord> got = q[0].await(r -> r.service().equals("svc"), 3, WAIT);
        assertThat(got).extracting(LogRecord::msg).containsExactly("disk failed", "all good", "plain <4> not a prefix");
        assertThat(got).extracting(r -> r.level().name()).containsExactly("ERR", "INFO", "INFO");

        Path raw = dir.resolve("raw.sock");
        RecordQueue[] q2 = new RecordQueue[1];
        start(TestSpecs.fdSocket("raw", raw).withLevelPrefix(false), q2);
        OsPipe p2 = pipe();
        client(raw).send("svc2", p2.read());
        close(p2.read());
        try (OutputStream o = new FileOutputStream(p2.write())) {
            o.write("<3>kept as is\n".getBytes(StandardCharsets.UTF_8));
        }
        LogRecord kept = q2[0].await(r -> r.service().equals("svc2"), 1, WAIT).get(0);
        assertThat(kept.msg()).isEqualTo("<3>kept as is");
        assertThat(kept.level().name()).isEqualTo("INFO");
    }

    @Test
    void longLinesBecomePartialRecords() throws Exception {
        Path sock = dir.resolve("log.sock");
        RecordQueue[] q = new RecordQueue[1];
        start(TestSpecs.fdSocket("services", sock).withMaxLineBytes(16), q);
        OsPipe p = pipe();
        client(sock).send("long.out", p.read());
        close(p.read());
        String line = "0123456789abcdef0123456789abcdef0123";
        try (OutputStream o = new FileOutputStream(p.write())) {
            o.write((line + "\nshort\n").getBytes(StandardCharsets.UTF_8));
        }
        List<LogRecord> got = q[0].await(r -> r.service().equals("long"), 4, WAIT);
        assertThat(got).extracting(LogRecord::msg)
                .containsExactly("0123456789abcdef", "0123456789abcdef", "0123", "short");
        assertThat(got).extracting(LogRecord::kind).containsExactly(LogRecord.Kind.PARTIAL, LogRecord.Kind.PARTIAL,
                LogRecord.Kind.NORMAL, LogRecord.Kind.NORMAL);
    }

    @Test
    void idleFlushOnVirtualTime() throws Exception {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        Path sock = dir.resolve("log.sock");
        FdSocketSource src = new FdSocketSource(TestSpecs.fdSocket("services", sock).withIdleFlush(Duration.ofSeconds(5)), vts);
        RecordQueue q = new RecordQueue(src.records());
        cleanup.add(q);
        RecordQueue.awaitTrue(() -> Files.exists(sock), WAIT, () -> "bound");
        OsPipe p = pipe();
        client(sock).send("slow.out", p.read());
        close(p.read());
        try (OutputStream o = new FileOutputStream(p.write())) {
            o.write("waiting for newline".getBytes(StandardCharsets.UTF_8));
            RecordQueue.awaitTrue(() -> src.stats().bytes() == 19, WAIT, () -> "" + src.stats());
            vts.advanceTimeBy(Duration.ofSeconds(2));
            // 2 s idle of 5: nothing may be flushed (the flush would come from the event loop, so
            // the queue must stay empty for a while, not just at one instant)
            await("no idle flush after 2 s of 5").during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(10))
                    .untilAsserted(() -> assertThat(q.matching(r -> r.service().equals("slow"))).isEmpty());
            vts.advanceTimeBy(Duration.ofSeconds(5));
            List<LogRecord> got = q.await(r -> r.service().equals("slow"), 1, WAIT);
            assertThat(got.get(0).msg()).isEqualTo("waiting for newline");
            assertThat(got.get(0).kind()).isEqualTo(LogRecord.Kind.PARTIAL);
            o.write(" and the rest\n".getBytes(StandardCharsets.UTF_8));
        }
        List<LogRecord> got = q.await(r -> r.service().equals("slow"), 2, WAIT);
        assertThat(got.get(1).msg()).isEqualTo(" and the rest");
        vts.dispose();
    }

    @Test
    void socketFileModeStaleReplacementAndRemoval() throws Exception {
        Path sock = dir.resolve("sub/dir/log.sock");
        Files.createDirectories(sock.getParent());
        // a stale socket left by a dead daemon
        AFUNIXDatagramChannel stale = AFUNIXDatagramChannel.open();
        stale.bind(AFUNIXSocketAddress.of(sock));
        stale.close();
        assertThat(Files.exists(sock)).isTrue();
        FdSocketSource src = new FdSocketSource(new FdSocketSpec("s", sock, 0640, TestSpecs.MAX_LINE_BYTES,
                Duration.ofSeconds(1), TestSpecs.STDOUT_SUFFIXES, TestSpecs.STDERR_SUFFIXES, true));
        RecordQueue q = new RecordQueue(src.records());
        RecordQueue.awaitTrue(() -> src.stats() != null && Files.exists(sock) && isSocketOwnedWith(sock, "rw-r-----"),
                WAIT, () -> "bound with mode");
        assertThat(q.error()).isNull();
        q.close();
        assertThat(Files.exists(sock)).isFalse();

        Path regular = Files.writeString(dir.resolve("not-a-socket"), "keep me");
        RecordQueue bad = new RecordQueue(new FdSocketSource(TestSpecs.fdSocket("s", regular)).records());
        RecordQueue.awaitTrue(() -> bad.error() != null, WAIT, () -> "bind error");
        assertThat(bad.error()).hasMessageContaining("cannot bind").hasMessageContaining(regular.toString());
        assertThat(Files.readString(regular)).isEqualTo("keep me");
    }

    private static boolean isSocketOwnedWith(Path p, String perms) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p)).equals(perms);
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void thousandConcurrentWriters() throws Exception {
        Path sock = dir.resolve("log.sock");
        RecordQueue[] q = new RecordQueue[1];
        FdSocketSource src = start(TestSpecs.fdSocket("services", sock), q);
        int writers = 1000;
        int linesEach = 50;
        FdSocketClient c = client(sock);
        List<AFUNIXSocketChannel> ends = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open();
            c.send("w" + i + ".out", pair.getSocket2().getFileDescriptor());
            close(pair.getSocket2().getFileDescriptor());
            ends.add(pair.getSocket1());
        }
        RecordQueue.awaitTrue(() -> src.stats().fdsOpen() == writers, WAIT, () -> "all open: " + src.stats());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    for (int line = 0; line < linesEach; line++) {
                        for (int i = first; i < writers; i += 8) {
                            ends.get(i).write(ByteBuffer.wrap(("w" + i + " line " + line + "\n")
                                    .getBytes(StandardCharsets.UTF_8)));
                        }
                    }
                    for (int i = first; i < writers; i += 8) {
                        ends.get(i).close();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        q[0].await(r -> r.stream().equals("stdout"), writers * linesEach, Duration.ofSeconds(60));
        RecordQueue.awaitTrue(() -> src.stats().fdsOpen() == 0, WAIT, () -> "all closed: " + src.stats());
        List<LogRecord> all = q[0].matching(r -> r.stream().equals("stdout"));
        assertThat(all).hasSize(writers * linesEach);
        // per writer, every line arrived once and in order
        Map<String, List<String>> byService = all.stream().collect(Collectors.groupingBy(LogRecord::service,
                Collectors.mapping(LogRecord::msg, Collectors.toList())));
        assertThat(byService).hasSize(writers);
        for (int i : new int[] {0, 1, 499, 999}) {
            int w = i;
            assertThat(byService.get("w" + w)).containsExactlyElementsOf(
                    IntStream.range(0, linesEach).mapToObj(l -> "w" + w + " line " + l).collect(Collectors.toList()));
        }
        assertThat(src.stats().fdsClosed()).isEqualTo(writers);
    }

    @Test
    void eofStormLeaksNoFds() throws Exception {
        Path sock = dir.resolve("log.sock");
        RecordQueue[] q = new RecordQueue[1];
        FdSocketSource src = start(TestSpecs.fdSocket("services", sock), q);
        FdSocketClient c = client(sock);
        int rounds = 15;
        int perRound = 200;
        long baseline = -1;
        for (int round = 0; round < rounds; round++) {
            List<OsPipe> pipes = new ArrayList<>();
            for (int i = 0; i < perRound; i++) {
                OsPipe p = pipe();
                c.send("storm" + (i % 7), p.read());
                close(p.read());
                pipes.add(p);
            }
            for (int i = 0; i < perRound; i++) {
                OsPipe p = pipes.get(i);
                if (i % 3 == 0) {
                    // writes and closes at once
                    try (OutputStream o = new FileOutputStream(p.write())) {
                        o.write(("r" + i + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                } else {
                    close(p.write());
                }
            }
            long expectClosed = (long) (round + 1) * perRound;
            RecordQueue.awaitTrue(() -> src.stats().fdsClosed() == expectClosed, WAIT, () -> "" + src.stats());
            if (round == 0) {
                baseline = openFds();
            }
        }
        long after = openFds();
        assertThat(after).as("open fds after %d pipes", rounds * perRound).isLessThanOrEqualTo(baseline + 10);
        assertThat(src.stats().fdsOpen()).isZero();
        assertThat(q[0].matching(r -> r.service().startsWith("storm"))).hasSize(rounds * ((perRound + 2) / 3));
    }

    static long openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    @Test
    void clientReportsAMissingSocket() {
        assertThatThrownBy(() -> FdSocketClient.connect(dir.resolve("nope.sock")))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    @Test
    void cancellingClosesOpenFdsAndFlushesNothingLost() throws Exception {
        Path sock = dir.resolve("log.sock");
        FdSocketSource src = new FdSocketSource(TestSpecs.fdSocket("services", sock));
        RecordQueue q = new RecordQueue(src.records());
        RecordQueue.awaitTrue(() -> Files.exists(sock), WAIT, () -> "bound");
        long before = openFds();
        List<OsPipe> pipes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            OsPipe p = pipe();
            try (FdSocketClient c = FdSocketClient.connect(sock)) {
                c.send("open" + i, p.read());
            }
            close(p.read());
            pipes.add(p);
        }
        RecordQueue.awaitTrue(() -> src.stats().fdsOpen() == 20, WAIT, () -> "" + src.stats());
        q.close();
        RecordQueue.awaitTrue(() -> src.stats().fdsOpen() == 0, WAIT, () -> "" + src.stats());
        for (OsPipe p : pipes) {
            close(p.write());
        }
        assertThat(Files.exists(sock)).isFalse();
        assertThat(openFds()).isLessThanOrEqualTo(before + 5);
        assertThat(new File(sock.toString()).exists()).isFalse();
    }
}
