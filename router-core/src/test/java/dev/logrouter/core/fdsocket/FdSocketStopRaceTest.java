package dev.logrouter.core.fdsocket;

import dev.logrouter.core.testsupport.TestSpecs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.testsupport.RecordQueue;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping the fd socket while its event loop closes pipes at EOF: the stop must finish, whatever the
 * interleaving (junixsocket's received-fd bookkeeping once made the two deadlock on each other's locks).
 */
class FdSocketStopRaceTest {

    private static final int ITERATIONS = 300;
    private static final int PIPES = 24;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static ExecutorService stopper;

    @BeforeAll
    static void start() {
        io.netty.channel.epoll.Epoll.ensureAvailability();
        stopper = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "test-stopper");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stop() {
        stopper.shutdownNow();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void stopWhilePipesCloseAtEofAlwaysFinishes() throws Exception {
        long fdsBefore = FdSocketSourceTest.openFdsUnchecked();
        for (int i = 0; i < ITERATIONS; i++) {
            Path sock = dir.resolve("log-" + i + ".sock");
            FdSocketSource src = new FdSocketSource(TestSpecs.fdSocket("services", sock));
            RecordQueue q = new RecordQueue(src.records());
            RecordQueue.awaitTrue(() -> Files.exists(sock) || q.error() != null, WAIT, () -> "socket bound");
            List<FileOutputStream> writers = new ArrayList<>();
            try (FdSocketClient client = FdSocketClient.connect(sock)) {
                for (int p = 0; p < PIPES; p++) {
                    FdSocketSourceTest.OsPipe pipe = FdSocketSourceTest.pipe();
                    client.send("svc" + p + ".out", pipe.read());
                    FdSocketSourceTest.close(pipe.read());
                    writers.add(new FileOutputStream(pipe.write()));
                }
            }
            // half the pipes reach EOF before the stop, half while it runs: the loop closes fds meanwhile
            for (int p = 0; p < PIPES / 2; p++) {
                writeAndClose(writers.get(p), p);
            }
            Future<?> stopped = stopper.submit(q::close);
            for (int p = PIPES / 2; p < PIPES; p++) {
                writeAndClose(writers.get(p), p);
            }
            // a hang here is reported by the method's timeout, with a dump of every thread
            stopped.get();
            assertThat(Files.exists(sock)).as("socket file removed").isFalse();
            RecordQueue.awaitTrue(() -> src.stats().fdsOpen() == 0, WAIT, () -> "every fd closed: " + src.stats());
            for (LogRecord r : q.all()) {
                assertThat(r.service()).startsWith("svc");
            }
        }
        // every fd received and every socket is closed again (a little slack for the JVM's own files)
        RecordQueue.awaitTrue(() -> FdSocketSourceTest.openFdsUnchecked() <= fdsBefore + 8, WAIT,
                () -> "fds before " + fdsBefore + ", now " + FdSocketSourceTest.openFdsUnchecked());
    }

    private static void writeAndClose(FileOutputStream out, int p) {
        try {
            out.write(("line from " + p + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the reader already stopped: the pipe is closed, as expected after a stop
        } finally {
            try {
                out.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
