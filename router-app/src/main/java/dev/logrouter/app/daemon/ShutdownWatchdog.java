package dev.logrouter.app.daemon;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * Bounds a shutdown: if it has not finished when the deadline passes, the watchdog prints what every
 * thread is waiting for (a thread dump with locks and any Java-level deadlock) and ends the process with
 * {@link #EXIT_CODE}, so a service manager sees a failed stop instead of a router hanging forever.
 */
public final class ShutdownWatchdog implements AutoCloseable {

    /** Exit status of a shutdown that did not finish in time. */
    public static final int EXIT_CODE = 3;

    private final Thread thread;
    private volatile boolean done;

    private ShutdownWatchdog(Duration deadline, PrintWriter err, IntConsumer exit) {
        thread = new Thread(() -> {
            try {
                Thread.sleep(deadline.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            if (done) {
                return;
            }
            err.println("logrouter: shutdown did not finish within " + deadline.toMillis() + " ms; exiting with "
                    + EXIT_CODE + ". What each thread is waiting for:");
            err.println(ThreadDump.all());
            err.flush();
            exit.accept(EXIT_CODE);
        }, "shutdown-watchdog");
        thread.setDaemon(true);
    }

    /** Arms a watchdog that halts the JVM when the deadline passes. */
    public static ShutdownWatchdog arm(Duration deadline, PrintWriter err) {
        return arm(deadline, err, code -> Runtime.getRuntime().halt(code));
    }

    /** @param exit what to do with {@link #EXIT_CODE} when the deadline passes (tests observe it) */
    static ShutdownWatchdog arm(Duration deadline, PrintWriter err, IntConsumer exit) {
        ShutdownWatchdog w = new ShutdownWatchdog(Objects.requireNonNull(deadline), err, exit);
        w.thread.start();
        return w;
    }

    /** The shutdown finished: the watchdog stands down. */
    @Override
    public void close() {
        done = true;
        thread.interrupt();
    }
}
