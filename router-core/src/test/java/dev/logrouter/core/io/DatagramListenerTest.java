package dev.logrouter.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.logrouter.core.source.Demand;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.netty.Connection;

/** The datagram listener on a real UDP socket and a real Unix datagram socket, with real senders. */
class DatagramListenerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final List<byte[]> received = new CopyOnWriteArrayList<>();
    private final List<Boolean> cuts = new CopyOnWriteArrayList<>();
    private final List<IOException> stopped = new CopyOnWriteArrayList<>();
    private final List<Disposable> cleanup = new ArrayList<>();

    @AfterEach
    void closeAll() {
        cleanup.forEach(Disposable::dispose);
    }

    private DatagramListener listener(int maxBytes) {
        return new DatagramListener("test listener", maxBytes, (data, cut, sender) -> {
            received.add(data);
            cuts.add(cut);
        });
    }

    /** Binds through {@code binding} inside a subscribed flux, as a source does; returns the bound connection. */
    @SuppressWarnings("unchecked")
    private <T extends Disposable> T start(Binding binding) throws Exception {
        IntakeLoops loops = IntakeLoops.forSource("test");
        AtomicReference<Disposable> bound = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Disposable d = Flux.<byte[]>create(sink -> {
            try {
                Disposable c = binding.bind(loops, Demand.of(sink));
                bound.set(c);
                sink.onDispose(c);
            } catch (IOException e) {
                sink.error(e);
            }
        }).subscribe(null, failed::set);
        cleanup.add(loops);
        cleanup.add(d);
        if (failed.get() instanceof Exception e) {
            throw e;
        }
        assertThat(failed.get()).isNull();
        return (T) bound.get();
    }

    private interface Binding {
        Disposable bind(IntakeLoops loops, Demand<byte[]> demand) throws IOException;
    }

    /** Sends datagrams to a Unix socket with perl (part of every Debian system): it sends an empty one too. */
    private static void perlSend(Path socket, String... payloads) throws Exception {
        StringBuilder script = new StringBuilder("use Socket; socket(my $s, PF_UNIX, SOCK_DGRAM, 0) or die $!; "
                + "my $to = pack_sockaddr_un($ARGV[0]); ");
        for (int i = 0; i < payloads.length; i++) {
            script.append("defined(send($s, $ARGV[").append(i + 1).append("], 0, $to)) or die $!; ");
        }
        List<String> cmd = new ArrayList<>(List.of("perl", "-e", script.toString(), socket.toString()));
        cmd.addAll(List.of(payloads));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("perl output: %s", out).isZero();
    }

    @Test
    void aUnixSocketHandsOnEveryDatagramInOrderTheEmptyOneToo() throws Exception {
        Path sock = dir.resolve("log.sock");
        DatagramListener l = listener(16);
        start((loops, demand) -> l.bind(sock, 0620, demand, stopped::add));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rw--w----");

        perlSend(sock, "first", "", "exactly-16-bytes", "seventeen bytes!!", "last");

        await().atMost(WAIT).until(() -> received.size() == 5);
        assertThat(received).extracting(b -> new String(b, StandardCharsets.US_ASCII))
                .containsExactly("first", "", "exactly-16-bytes", "seventeen bytes!", "last");
        assertThat(cuts).containsExactly(false, false, false, true, false);
        assertThat(stopped).isEmpty();
    }

    @Test
    void aUnixSocketFollowsTheSocketFilePolicyAndGoesWithItsConnection() throws Exception {
        Path sock = dir.resolve("log.sock");
        DatagramListener l = listener(1024);
        Disposable c = start((loops, demand) -> l.bind(sock, SocketFile.UMASK, demand, stopped::add));
        // a live socket is never taken over
        assertThatThrownBy(() -> start((loops, demand) -> listener(1024).bind(sock, SocketFile.UMASK, demand,
                stopped::add))).isInstanceOf(FileAlreadyExistsException.class);
        perlSend(sock, "still served by the first");
        await().atMost(WAIT).until(() -> received.size() == 1);

        c.dispose();
        assertThat(sock).doesNotExist();
        assertThat(stopped).as("disposing is not a failure").isEmpty();
    }

    @Test
    void aUnixSocketThatStopsReceivingIsReported() throws Exception {
        Path sock = dir.resolve("log.sock");
        DatagramListener l = listener(1024);
        DatagramListener.UnixSocket c = start((loops, demand) -> l.bind(sock, SocketFile.UMASK, demand, stopped::add));

        c.channel().close();

        await().atMost(WAIT).until(() -> !stopped.isEmpty());
        assertThat(stopped).singleElement().asString().contains("test listener: stopped receiving");
        // the socket that nobody serves any more does not stay behind
        await().atMost(WAIT).until(() -> !Files.exists(sock));
    }

    @Test
    void aUnixSocketWhoseReceiverThrowsIsReportedAndClosed() throws Exception {
        Path sock = dir.resolve("log.sock");
        DatagramListener l = new DatagramListener("test listener", 1024, (data, cut, sender) -> {
            throw new IllegalStateException("receiver bug");
        });
        start((loops, demand) -> l.bind(sock, SocketFile.UMASK, demand, stopped::add));

        perlSend(sock, "boom");

        await().atMost(WAIT).until(() -> !stopped.isEmpty());
        assertThat(stopped).singleElement().asString().contains("test listener: stopped receiving", "receiver bug");
        await().atMost(WAIT).until(() -> !Files.exists(sock));
    }

    @Test
    void aUdpSocketThatStopsReceivingIsReportedAndOneDisposedIsNot() throws Exception {
        DatagramListener l = listener(DatagramListener.MAX_DATAGRAM);
        Connection c = start((loops, demand) -> l.bind(new InetSocketAddress("127.0.0.1", 0), loops, demand,
                stopped::add));
        c.channel().close();
        await().atMost(WAIT).until(() -> !stopped.isEmpty());
        assertThat(stopped.get(0)).hasMessageContaining("test listener: stopped receiving");

        List<IOException> second = new CopyOnWriteArrayList<>();
        DatagramListener other = listener(DatagramListener.MAX_DATAGRAM);
        Connection d = start((loops, demand) -> other.bind(new InetSocketAddress("127.0.0.1", 0), loops, demand,
                second::add));
        d.dispose();
        d.onDispose().block(WAIT);
        assertThat(second).isEmpty();
    }
}
