package dev.logrouter.bench.intake;

import java.time.Duration;
import dev.logrouter.core.fdsocket.FdSocketClient;
import dev.logrouter.core.fdsocket.FdSocketSource;
import dev.logrouter.core.fdsocket.FdSocketSpec;
import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.JournalSpec;
import dev.logrouter.core.router.Router;
import dev.logrouter.core.source.SourceCounters;
import dev.logrouter.core.syslog.SyslogSource;
import dev.logrouter.core.syslog.SyslogSpec;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end intake throughput, from writer processes to the journal, through the real router:
 * <ul>
 *   <li>{@code fd}: writer processes ({@code yes | head -n N}) write 100-byte lines into OS pipes whose
 *       read ends were handed over the fd socket;</li>
 *   <li>{@code syslog}: {@code logger --socket} sends one datagram per stdin line to the syslog socket.</li>
 * </ul>
 * Time runs from starting the writers until the journal holds every line. Usage:
 * {@code IntakeThroughput fd PIPES LINES_PER_PIPE}, {@code IntakeThroughput syslog MESSAGES} (util-linux
 * logger reading lines from stdin) or {@code IntakeThroughput syslog-py MESSAGES} (a python3 loop sending
 * one preformatted datagram per call; cheaper per message than logger).
 */
public final class IntakeThroughput {

    /** 99 characters plus the newline: 100-byte lines. */
    private static final String LINE = "0123456789".repeat(9) + "abcdefghi";

    private IntakeThroughput() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "fd";
        Path dir = Files.createTempDirectory("intake-bench");
        try (Journal journal = Journal.create(new JournalSpec(5000, 8L << 20)); Router router = new Router(journal)) {
            if (mode.equals("syslog") || mode.equals("syslog-py")) {
                long n = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
                syslog(router, dir, n, mode.equals("syslog-py"));
            } else {
                int pipes = args.length > 1 ? Integer.parseInt(args[1]) : 1;
                long lines = args.length > 2 ? Long.parseLong(args[2]) : 5_000_000;
                fd(router, dir, pipes, lines);
            }
        } finally {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
        System.exit(0);
    }

    private static void fd(Router router, Path dir, int pipes, long linesPerPipe) throws Exception {
        Path sock = dir.resolve("log.sock");
        FdSocketSource src = new FdSocketSource(new FdSocketSpec("services", sock, 0660, 64 * 1024, Duration.ofSeconds(1),
                List.of(".out", ".stdout"), List.of(".stderr"), true));
        SourceCounters counters = router.attach(src).counters();
        awaitFile(sock);
        // FIFOs: blocking on the writer side like a service's stdout pipe
        List<Path> fifos = new ArrayList<>();
        for (int i = 0; i < pipes; i++) {
            Path fifo = dir.resolve("fifo" + i);
            if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() != 0) {
                throw new IOException("mkfifo failed");
            }
            fifos.add(fifo);
        }
        long total = pipes * linesPerPipe;
        long cpu0 = processCpu();
        long t0 = System.nanoTime();
        List<Process> writers = new ArrayList<>();
        try (FdSocketClient client = FdSocketClient.connect(sock)) {
            for (int i = 0; i < pipes; i++) {
                writers.add(new ProcessBuilder("sh", "-c", "yes \"$0\" | head -n \"$1\" > \"$2\"", LINE,
                        String.valueOf(linesPerPipe), fifos.get(i).toString())
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start());
                // opening the read end waits for the writer's open
                try (FileInputStream in = new FileInputStream(fifos.get(i).toFile())) {
                    client.send("bench" + i + ".out", in.getFD());
                }
            }
        }
        await(counters, total, t0);
        long ns = System.nanoTime() - t0;
        long cpu = processCpu() - cpu0;
        for (Process p : writers) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
        report("fd socket, " + pipes + " pipe(s), " + linesPerPipe + " x 100-byte lines each", total, ns, cpu);
        // a line can arrive as two partial pieces when its writer stalls past idle_flush (1 s) mid-line
        if (src.counters().value("bytes") != total * 100 || src.counters().value("lines") < total) {
            throw new IllegalStateException("expected " + total + " lines, source read " + src.counters().snapshot());
        }
        if (src.counters().value("lines") > total) {
            System.out.println("  (" + (src.counters().value("lines") - total) + " line(s) arrived in two pieces: the writer stalled"
                    + " past idle_flush mid-line)");
        }
    }

    /** A minimal sender: one preformatted RFC 3164 datagram per send, as fast as one process can. */
    private static final String PY_SENDER = String.join("\n",
            "import socket, sys",
            "path, n, line = sys.argv[1], int(sys.argv[2]), sys.argv[3]",
            "msg = ('<14>Nov 22 01:02:03 bench[1]: ' + line).encode()",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
            "s.connect(path)",
            "send = s.send",
            "for _ in range(n):",
            "    send(msg)");

    private static void syslog(Router router, Path dir, long n, boolean python) throws Exception {
        Path sock = dir.resolve("syslog.sock");
        SyslogSource src = new SyslogSource(new SyslogSpec("syslog", sock, 0666, null, null, 64 * 1024, 256));
        SourceCounters counters = router.attach(src).counters();
        awaitFile(sock);
        long cpu0 = processCpu();
        long t0 = System.nanoTime();
        Process p = (python
                ? new ProcessBuilder("python3", "-c", PY_SENDER, sock.toString(), String.valueOf(n), LINE)
                : new ProcessBuilder("sh", "-c", "yes \"$0\" | head -n \"$1\" | logger --socket \"$2\" -t bench",
                        LINE, String.valueOf(n), sock.toString()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        await(counters, n, t0);
        long ns = System.nanoTime() - t0;
        long cpu = processCpu() - cpu0;
        p.waitFor(10, TimeUnit.SECONDS);
        report("syslog unix datagrams from " + (python ? "a python sender" : "logger") + ", 100-byte messages", n, ns,
                cpu);
        if (src.counters().value("parse_errors") != 0) {
            throw new IllegalStateException("parse errors: " + src.counters().snapshot());
        }
    }

    private static void awaitFile(Path p) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(p)) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("socket " + p + " not bound");
            }
            Thread.sleep(5);
        }
    }

    private static void await(SourceCounters counters, long n, long t0) throws InterruptedException, IOException {
        long deadline = t0 + TimeUnit.MINUTES.toNanos(5);
        while (counters.records() < n) {
            if (System.nanoTime() > deadline) {
                throw new IOException("timed out with " + counters.records() + " of " + n + " records");
            }
            Thread.sleep(1);
        }
    }

    /** CPU time of this JVM (the router side; the writers are other processes). */
    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void report(String what, long n, long ns, long cpuNs) {
        System.out.printf(Locale.ROOT, "%s: %d records in %.3f s = %.0f records/s (%.1f MiB/s); router CPU %.0f ns/record"
                + " = %.2f M records per CPU-second; load average %s%n", what, n, ns / 1e9, n * 1e9 / ns,
                n * 100.0 * 1e9 / ns / (1024 * 1024), (double) cpuNs / n, n * 1e3 / cpuNs,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
