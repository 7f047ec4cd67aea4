package dev.logrouter.app.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownWatchdogTest {

    @Test
    void aShutdownStuckOnALockIsDumpedAndEndsWithTheExitCode() throws Exception {
        Object lock = new Object();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            synchronized (lock) {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "holds-the-lock");
        holder.start();
        holding.await();
        StringWriter out = new StringWriter();
        CompletableFuture<Integer> exited = new CompletableFuture<>();
        Thread stopper = new Thread(() -> {
            try (ShutdownWatchdog w = ShutdownWatchdog.arm(Duration.ofMillis(200), new PrintWriter(out),
                    exited::complete)) {
                // a stop that needs the lock another thread never gives up
                synchronized (lock) {
                    lock.notifyAll();
                }
            }
        }, "stuck-stopper");
        stopper.setDaemon(true);
        stopper.start();
        assertThat(exited.get(10, TimeUnit.SECONDS)).isEqualTo(ShutdownWatchdog.EXIT_CODE);
        assertThat(out.toString())
                .contains("shutdown did not finish within 200 ms")
                .contains("\"stuck-stopper\"")
                .contains("BLOCKED")
                .contains("owned by \"holds-the-lock\"");
        release.countDown();
        holder.join(10_000);
        stopper.join(10_000);
    }

    @Test
    void aShutdownThatFinishesInTimeStandsTheWatchdogDown() throws Exception {
        StringWriter out = new StringWriter();
        CompletableFuture<Integer> exited = new CompletableFuture<>();
        ShutdownWatchdog w = ShutdownWatchdog.arm(Duration.ofMillis(300), new PrintWriter(out), exited::complete);
        w.close();
        // the deadline passes with nothing printed and no exit
        assertThat(exited.completeOnTimeout(-1, 1, TimeUnit.SECONDS).get()).isEqualTo(-1);
        assertThat(out.toString()).isEmpty();
    }
}
