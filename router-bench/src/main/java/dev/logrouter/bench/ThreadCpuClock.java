package dev.logrouter.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * Wall and CPU time of the calling thread over one benchmark iteration. On a shared machine a
 * benchmark thread is often descheduled; its share of on-CPU time says how disturbed an iteration
 * was, and work per CPU-second says what the code does when it has a core to itself.
 */
public final class ThreadCpuClock {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private long wallStart;
    private long cpuStart;

    /** Starts measuring on the calling thread. */
    public void start() {
        wallStart = System.nanoTime();
        cpuStart = THREADS.getCurrentThreadCpuTime();
    }

    /**
     * Prints one line for the iteration that ends now on the calling thread (the one that called
     * {@link #start()}).
     *
     * @param label what was measured
     * @param work  units of work done since start
     * @param unit  name of the unit, per CPU-second
     */
    public void print(String label, double work, String unit) {
        long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
        long wall = System.nanoTime() - wallStart;
        if (cpu <= 0 || wall <= 0) {
            return;
        }
        System.out.printf(Locale.ROOT, "%n[cpu] %s: on CPU %.0f%% of wall time, %.3g %s per CPU-second%n",
                label, 100.0 * cpu / wall, work * 1e9 / cpu, unit);
    }
}
