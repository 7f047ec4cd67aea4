package dev.logrouter.bench.sinks;

import dev.logrouter.core.exec.RestartPolicy;
import dev.logrouter.sinks.encode.FieldSet;
import dev.logrouter.sinks.encode.Format;
import dev.logrouter.sinks.encode.Framing;
import dev.logrouter.core.exec.ExecSource;
import dev.logrouter.core.exec.ExecSpec;
import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.JournalSpec;
import dev.logrouter.core.route.RouteSpec;
import dev.logrouter.core.router.Router;
import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.sink.SinkBuffer;
import dev.logrouter.core.sink.SinkState;
import dev.logrouter.core.sink.WhenFull;
import dev.logrouter.core.source.SourceCounters;
import dev.logrouter.sinks.encode.EncoderSpec;
import dev.logrouter.sinks.net.Endpoint;
import dev.logrouter.sinks.tcp.TcpSink;
import dev.logrouter.sinks.tcp.TcpSinkSpec;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pipe -> route -> TCP json_lines, end to end: an exec source runs {@code cat FILE} (a real pipe),
 * the router appends every line to the journal and routes it to one TCP sink that writes Talos
 * json_lines to {@code 127.0.0.1:PORT}. The sink buffer is {@code when_full: block}, so nothing is
 * dropped and the time measured is the time for every line to be written. Prints lines/s, input
 * MiB/s, process CPU seconds, peak RSS and the heap allocated per line by the Java threads (sampled
 * while they run, so a thread that ends between samples is counted up to its last sample). Run by {@code bench/tcp-sink}, which supplies the receiver.
 *
 * <p>Usage: {@code TcpPipeBench FILE PORT}
 */
public final class TcpPipeBench {

    private TcpPipeBench() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        long inputBytes = Files.size(file);
        Journal journal = Journal.create(new JournalSpec(5000, 8L << 20));
        Router router = new Router(journal);
        // the config's defaults of a tcp sink (docs/configuration.md), given explicitly
        TcpSink sink = new TcpSink(new TcpSinkSpec("bench", new Endpoint("tcp", "127.0.0.1", port),
                new EncoderSpec(Format.JSON_LINES, FieldSet.TALOS, Map.of(), null, false, "user", Framing.LF,
                        List.of()), 1024, Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofSeconds(30), TcpSinkSpec.defaultResendBytes(), null));
        Map<LogSink, BufferSpec> sinks = new LinkedHashMap<>();
        sinks.put(sink, new BufferSpec(100_000, 64L << 20, WhenFull.BLOCK));
        router.startSinks(sinks, List.of(new RouteSpec(java.util.Set.of("pipe"), null, "stdout", null, null, null,
                List.of("bench"))));
        Map<Long, Long> allocStart = new java.util.HashMap<>();
        sampleAllocated(allocStart);
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        SourceCounters counters = router.attach(new ExecSource(new ExecSpec("pipe", "bench",
                List.of("cat", file.toString()), null, null, RestartPolicy.NEVER, Duration.ofMillis(500),
                Duration.ofSeconds(30), 64 * 1024, Duration.ofSeconds(1), Duration.ofSeconds(3), true))).counters();
        Map<Long, Long> threadCpu = new java.util.HashMap<>();
        Map<Long, String> threadName = new java.util.HashMap<>();
        Map<Long, Long> allocated = new java.util.HashMap<>();
        int loops = 0;
        while (!"stopped".equals(counters.state()) && !"failed".equals(counters.state())) {
            Thread.sleep(5);
            if (++loops % 40 == 0) {
                sampleThreadCpu(threadCpu, threadName);
                sampleAllocated(allocated);
            }
        }
        router.shutdown(Duration.ofMinutes(5));
        sampleThreadCpu(threadCpu, threadName);
        sampleAllocated(allocated);
        long t1 = System.nanoTime();
        long cpu1 = cpuNanos();
        SinkBuffer buffer = router.buffers().get("bench");
        SinkState st = sink.state();
        double secs = (t1 - t0) / 1e9;
        long lines = sink.state().written();
        System.out.printf("pipe->route->tcp json_lines: %d lines routed in %.2f s = %.0f lines/s, %.1f MiB/s input,"
                        + " cpu %.2f s, peak RSS %d MiB%n",
                lines, secs, lines / secs, inputBytes / secs / (1 << 20), (cpu1 - cpu0) / 1e9, peakRssKiB() / 1024);
        System.out.printf("sink: written=%d dropped=%d buffer-dropped=%d resent=%d reconnects=%d lastError=%s%n",
                st.written(), st.dropped(), buffer.dropped(), st.resent(), st.reconnects(), st.lastError());
        printThreadCpu(threadCpu, threadName);
        long allocatedBytes = 0;
        for (Map.Entry<Long, Long> e : allocated.entrySet()) {
            allocatedBytes += e.getValue() - allocStart.getOrDefault(e.getKey(), 0L);
        }
        System.out.printf("heap allocated: %.0f bytes per line (%d MiB in all)%n",
                lines == 0 ? 0.0 : (double) allocatedBytes / lines, allocatedBytes >> 20);
        router.close();
        journal.close();
        System.exit(buffer.dropped() == 0 && st.dropped() == 0 ? 0 : 1);
    }

    /** Remembers the CPU time of every live thread (threads that end keep their last value). */
    private static void sampleThreadCpu(Map<Long, Long> cpu, Map<Long, String> names) {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (long id : mx.getAllThreadIds()) {
            java.lang.management.ThreadInfo info = mx.getThreadInfo(id);
            long t = mx.getThreadCpuTime(id);
            if (info != null && t > 0) {
                cpu.put(id, t);
                names.put(id, info.getThreadName().replaceAll("[0-9]+$", "N"));
            }
        }
    }

    /** Remembers the bytes allocated so far by every live thread (threads that end keep their last value). */
    private static void sampleAllocated(Map<Long, Long> allocated) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (long id : mx.getAllThreadIds()) {
            long b = mx.getThreadAllocatedBytes(id);
            if (b > 0) {
                allocated.put(id, b);
            }
        }
    }

    /** CPU seconds of the busiest Java threads, to show where the time goes (JIT and GC are not included). */
    private static void printThreadCpu(Map<Long, Long> cpu, Map<Long, String> names) {
        Map<String, Long> byName = new java.util.TreeMap<>();
        cpu.forEach((id, t) -> byName.merge(names.get(id), t, Long::sum));
        StringBuilder sb = new StringBuilder("thread cpu:");
        byName.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(6)
                .forEach(e -> sb.append(String.format(" %s=%.2fs", e.getKey(), e.getValue() / 1e9)));
        System.out.println(sb);
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long peakRssKiB() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmHWM:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
