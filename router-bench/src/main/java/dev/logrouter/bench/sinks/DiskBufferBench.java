package dev.logrouter.bench.sinks;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.DiskSpec;
import dev.logrouter.core.sink.SinkBuffer;
import dev.logrouter.core.sink.WhenFull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Append and read rates of the disk buffer on a real directory: phase 1 appends {@code N} records
 * (100-byte messages, two fields, the shape of a json_lines record's source) with no reader, as
 * during a receiver outage; phase 2 reads them all back in order and acknowledges each one, as a
 * recovered sink does (segments are deleted as they are delivered). Prints records/s and MiB/s of
 * encoded frames for each phase. Run by {@code bench/disk-buffer}.
 *
 * <p>Usage: {@code DiskBufferBench DIR [N] [SYNC_MS]}
 */
public final class DiskBufferBench {

    private DiskBufferBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        long syncMs = args.length > 2 ? Long.parseLong(args[2]) : 1000;
        Scheduler scheduler = Schedulers.newBoundedElastic(4, 1000, "bench");
        BufferSpec spec = BufferSpec.disk(new DiskSpec(dir, Duration.ofMillis(syncMs), 64L << 20), 8L << 30,
                WhenFull.BLOCK);
        SinkBuffer buffer = new SinkBuffer("bench", spec, true, scheduler);
        LogRecord[] records = new LogRecord[1024];
        String filler = "x".repeat(90);
        for (int i = 0; i < records.length; i++) {
            records[i] = new LogRecord(i + 1, LogRecord.now(), "app", "svc-" + (i % 8), i % 2 == 0 ? "stdout" : "stderr",
                    i % 5 == 0 ? Level.ERR : Level.INFO, String.format(Locale.ROOT, "%08d %s", i, filler),
                    Map.of("pid", 1000L + i, "container", "c-" + (i % 4)), LogRecord.Kind.NORMAL);
        }
        long c0 = cpu();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            buffer.offer(records[i & 1023]);
        }
        long t1 = System.nanoTime();
        long c1 = cpu();
        long diskBytes = du(dir);
        report("append", n, t1 - t0, c1 - c0, diskBytes);

        CountDownLatch done = new CountDownLatch(1);
        AtomicLong got = new AtomicLong();
        buffer.close();
        long c2 = cpu();
        long t2 = System.nanoTime();
        buffer.flux().subscribe(new BaseSubscriber<LogRecord>() {
            @Override
            protected void hookOnNext(LogRecord r) {
                buffer.ack(got.incrementAndGet());
            }

            @Override
            protected void hookOnComplete() {
                done.countDown();
            }
        });
        done.await();
        long t3 = System.nanoTime();
        report("read+ack", got.get(), t3 - t2, cpu() - c2, diskBytes);
        System.out.printf(Locale.ROOT, "left on disk after delivery: %d bytes; dropped %d%n", du(dir),
                buffer.dropped());
        scheduler.dispose();
    }

    private static void report(String phase, long n, long nanos, long cpuNanos, long bytes) {
        double s = nanos / 1e9;
        double c = cpuNanos / 1e9;
        System.out.printf(Locale.ROOT, "%-8s %,d records in %.2f s: %,.0f records/s, %.1f MiB/s of frames; "
                + "%.2f CPU-s (%,.0f records per CPU-second)%n", phase, n, s, n / s, bytes / s / (1 << 20), c, n / c);
    }

    /** CPU time of the whole process (every thread, user + system). */
    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long du(Path dir) throws java.io.IOException {
        try (var s = java.nio.file.Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".seg")).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
