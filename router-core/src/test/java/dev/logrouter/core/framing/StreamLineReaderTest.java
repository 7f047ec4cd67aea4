package dev.logrouter.core.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

class StreamLineReaderTest {

    @Test
    void idlePartialLineIsFlushedAfterTheIdleTimeoutOnly() throws Exception {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        List<String> got = new CopyOnWriteArrayList<>();
        StreamLineReader reader = new StreamLineReader(1024, Duration.ofSeconds(2), vts,
                (l, p, t) -> got.add(new String(l, StandardCharsets.UTF_8) + (p ? "|partial" : "")));
        PipedOutputStream out = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(out, 4096);
        Thread t = new Thread(() -> {
            try {
                reader.readToEnd(in);
            } catch (IOException ignored) {
                // closed at the end of the test
            }
        });
        t.start();
        out.write("whole\nhalf".getBytes(StandardCharsets.UTF_8));
        out.flush();
        waitFor(() -> got.size() == 1);
        vts.advanceTimeBy(Duration.ofMillis(1500));
        assertThat(got).containsExactly("whole");
        vts.advanceTimeBy(Duration.ofMillis(1000));
        waitFor(() -> got.size() == 2);
        assertThat(got).containsExactly("whole", "half|partial");
        out.write(" rest\n".getBytes(StandardCharsets.UTF_8));
        out.close();
        t.join(5000);
        assertThat(got).containsExactly("whole", "half|partial", " rest");
    }

    @Test
    void eofFlushesPendingLine() throws Exception {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        List<String> got = new CopyOnWriteArrayList<>();
        StreamLineReader reader = new StreamLineReader(1024, Duration.ofSeconds(1), vts,
                (l, p, t) -> got.add(new String(l, StandardCharsets.UTF_8) + (p ? "|partial" : "")));
        long n = reader.readToEnd(new java.io.ByteArrayInputStream("a\nb".getBytes(StandardCharsets.UTF_8)));
        assertThat(n).isEqualTo(3);
        assertThat(got).containsExactly("a", "b|partial");
    }

    private static void waitFor(java.util.function.BooleanSupplier cond) {
        await("condition within 5s").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                .until(cond::getAsBoolean);
    }
}
