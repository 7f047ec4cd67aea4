package dev.logrouter.bench.journal;

import dev.logrouter.bench.ThreadCpuClock;
import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.JournalSpec;
import dev.logrouter.core.record.LogRecord;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.ThreadParams;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/**
 * Throughput of {@link Journal#append}: cursor assignment, ring store and eviction of the oldest
 * record. One op is one appended record, so the score is records/s.
 *
 * <p>The drafts are built once (1024 of them, 100-byte ASCII messages, a few services, both streams,
 * two levels) so the benchmark measures the append and not the record construction. The ring is in
 * steady state after the first {@code maxLines} appends: every later append also evicts one record.
 *
 * <p>{@code followers} attaches that many {@link Journal#follow()} readers with unbounded demand and a
 * consumer that only counts; they run on the journal's own reader threads, so on a small machine they
 * compete with the producers for CPU, which is exactly the ingest slowdown the SPEC bounds.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JournalAppendBenchmark {

    static final int DRAFTS = 1024;
    static final int MSG_BYTES = 100;

    @State(Scope.Benchmark)
    public static class JournalState {

        /** Ring size; 5000 is the default config's {@code journal.max_lines}. */
        @Param({"5000"})
        public int maxLines;

        /** Followers attached before measuring. */
        @Param({"0", "16"})
        public int followers;

        /** Fields of each draft: {@code none} (exec source) or {@code peer} (the tcp source's one field). */
        @Param({"none"})
        public String fields;

        Journal journal;
        LogRecord[] drafts;
        final List<CountingFollower> attached = new ArrayList<>();

        @Setup
        public void setUp() {
            // 8 MiB is the default max_bytes; 5000 records of ~200 bytes stay well below it, so the
            // line bound is the one that evicts
            journal = Journal.create(new JournalSpec(maxLines, 8L * 1024 * 1024));
            drafts = drafts(DRAFTS, MSG_BYTES, "peer".equals(fields) ? Map.of("peer", "127.0.0.1") : Map.of());
            for (int i = 0; i < followers; i++) {
                CountingFollower f = new CountingFollower();
                journal.follow().subscribe(f);
                attached.add(f);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (journal.followerCount() < followers) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("followers did not attach: " + journal.followerCount());
                }
                Thread.onSpinWait();
            }
        }

        private long cpuStart;
        private long appendedStart;
        private long deliveredStart;

        @Setup(Level.Iteration)
        public void startIteration() {
            cpuStart = processCpuNanos();
            appendedStart = journal.stats().appended();
            deliveredStart = delivered();
        }

        /**
         * Process CPU per appended record: the producers' cost alone without followers, producers plus
         * followers with them; their difference is what the followers cost, whatever else runs on the
         * machine.
         */
        @TearDown(Level.Iteration)
        public void endIteration() {
            long appended = journal.stats().appended() - appendedStart;
            long cpu = processCpuNanos() - cpuStart;
            if (appended > 0) {
                String followed = attached.isEmpty() ? "" : String.format(Locale.ROOT,
                        ", followers got %.0f%% of records as records (rest as gaps)",
                        100.0 * (delivered() - deliveredStart) / attached.size() / appended);
                System.out.printf(Locale.ROOT, "%n[cpu] process: %.1f ns CPU per appended record%s%n",
                        (double) cpu / appended, followed);
            }
        }

        private long delivered() {
            long sum = 0;
            for (CountingFollower f : attached) {
                sum += f.records;
            }
            return sum;
        }

        @TearDown
        public void tearDown() {
            long appended = journal.stats().appended();
            if (!attached.isEmpty()) {
                long records = 0;
                long lost = 0;
                for (CountingFollower f : attached) {
                    records += f.records;
                    lost += f.lost;
                    f.dispose();
                }
                // shows whether the followers kept up or were lapped by the ring (then gap records)
                System.out.printf("%n[followers] appended=%d, per follower: delivered=%d lost(gap)=%d%n",
                        appended, records / attached.size(), lost / attached.size());
            }
            journal.close();
        }
    }

    /**
     * Each producer thread walks the drafts from its own position, and prints per iteration how much
     * CPU it got and how many records it appended per CPU-second (see {@link ThreadCpuClock}).
     */
    @State(Scope.Thread)
    public static class Producer {
        int next;
        int thread;
        long appended;
        final ThreadCpuClock clock = new ThreadCpuClock();

        @Setup
        public void setUp(ThreadParams params) {
            thread = params.getThreadIndex();
            next = (thread * 257) & (DRAFTS - 1);
        }

        @Setup(Level.Iteration)
        public void startIteration() {
            appended = 0;
            clock.start();
        }

        @TearDown(Level.Iteration)
        public void endIteration() {
            clock.print("producer " + thread, appended, "records");
        }

        /**
         * A fresh draft, as a source hands one over for each line (the journal gives a draft its
         * cursor in place, so a draft appended before would be copied): the op includes building it.
         */
        LogRecord draft(LogRecord[] drafts) {
            int i = next;
            next = (i + 1) & (DRAFTS - 1);
            appended++;
            LogRecord t = drafts[i];
            return LogRecord.ofUtf8(t.time(), t.source(), t.service(), t.stream(), t.level(), t.msgUtf8(), t.fields(),
                    t.kind());
        }
    }

    /** Unbounded demand; only counts, so it costs as little as a reader can. */
    static final class CountingFollower extends BaseSubscriber<LogRecord> {
        // written only on the follower's drain worker (serial); read racily between iterations, which
        // is good enough for a diagnostic line and keeps the follower's own cost minimal
        long records;
        long lost;

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        protected void hookOnNext(LogRecord value) {
            if (value.isGap()) {
                lost += value.lost();
            } else {
                records++;
            }
        }
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    @Benchmark
    @Threads(1)
    public LogRecord oneProducer(JournalState s, Producer p) {
        return s.journal.append(p.draft(s.drafts));
    }

    @Benchmark
    @Threads(4)
    public LogRecord fourProducers(JournalState s, Producer p) {
        return s.journal.append(p.draft(s.drafts));
    }

    /**
     * Drafts as a source builds them: shared source/service/stream strings, a distinct message of
     * {@code msgBytes} ASCII characters per record kept as UTF-8, the same {@code fields} map for all.
     */
    static LogRecord[] drafts(int count, int msgBytes, Map<String, Object> fields) {
        String[] services = {"web", "db", "worker", "kernel"};
        String[] streams = {"stdout", "stderr"};
        LogRecord[] out = new LogRecord[count];
        long t0 = LogRecord.now();
        for (int i = 0; i < count; i++) {
            String service = services[i % services.length];
            String stream = streams[(i / 4) % streams.length];
            dev.logrouter.core.record.Level level = i % 10 == 0
                    ? dev.logrouter.core.record.Level.WARNING : dev.logrouter.core.record.Level.INFO;
            out[i] = LogRecord.ofUtf8(t0 + i * 1000L, service, service, stream, level,
                    message(i, msgBytes).getBytes(java.nio.charset.StandardCharsets.UTF_8), fields, LogRecord.Kind.NORMAL);
        }
        return out;
    }

    /** A log-like ASCII line of exactly {@code bytes} characters. */
    static String message(long i, int bytes) {
        StringBuilder b = new StringBuilder(bytes + 32);
        b.append("GET /api/v1/items/").append(i).append(" status=200 bytes=").append(1000 + i % 9000)
                .append(" ms=").append(i % 97).append(" user=u").append(i % 1013).append(' ');
        char c = (char) ('a' + (i % 26));
        while (b.length() < bytes) {
            b.append(c);
            c = c == 'z' ? 'a' : (char) (c + 1);
        }
        b.setLength(bytes);
        return b.toString();
    }
}
