package dev.logrouter.bench.journal;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.logrouter.core.framing.LineFramer;
import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.JournalSpec;
import dev.logrouter.core.journal.JournalStats;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Measures the journal's retained heap per record: fills a journal of {@code max_lines = N} (and a
 * byte bound far above what N records take) with N records whose messages are {@code msgBytes} ASCII
 * bytes, created the way the exec source creates them (bytes framed by {@link LineFramer}, so one
 * distinct String per record; source/service/stream strings shared), then compares used heap after
 * full collections. Run with {@code -XX:+UseSerialGC} so {@link System#gc()} is one stop-the-world
 * full compaction and the used-heap figure is stable.
 *
 * <p>It also measures, separately, the ring arrays of an empty journal and the message Strings alone,
 * so the rest is the record objects; the sum of the three parts is the measured total.
 *
 * <p>Usage: {@code JournalMemoryProbe [N [msgBytes [arrow]]]}, default 1000000 and 100; {@code arrow}
 * starts every message with U+2192 (3 UTF-8 bytes), so Java stores it as UTF-16 instead of Latin-1,
 * the worst case for a message of that many bytes. Exits 1 when the total is above the SPEC's 250
 * bytes per record.
 */
public final class JournalMemoryProbe {

    static final long TARGET_BYTES_PER_RECORD = 250;

    /** U+2192 in UTF-8: three bytes, one char, not Latin-1. */
    private static final byte[] ARROW = "\u2192".getBytes(StandardCharsets.UTF_8);

    private JournalMemoryProbe() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int msgBytes = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        boolean arrow = args.length > 2 && args[2].equals("arrow");
        if (args.length > 2 && !arrow) {
            throw new IllegalArgumentException("third argument: 'arrow' or nothing, was " + args[2]);
        }
        printVm();

        // as a source has them: one String each per configured source, shared by all its records
        String source = new String("app".getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII);
        String service = new String("app".getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII);
        String stdout = "stdout";

        long base = usedAfterGc();
        // references to the same message arrays the records hold, to measure the messages alone later
        byte[][] msgs = new byte[n][];
        long withIndex = usedAfterGc();
        Filled f = fill(n, msgBytes, arrow, msgs, source, service, stdout);
        // fill() has returned and closed its journal: only the message arrays stay, via msgs
        long stringsOnly = usedAfterGc();
        long emptyJournal = f.emptyJournal;
        long full = f.full;
        JournalStats stats = f.stats;

        double total = (double) (full - withIndex) / n;
        double ring = (double) (emptyJournal - withIndex) / n;
        double strings = (double) (stringsOnly - withIndex) / n;
        double records = total - ring - strings;
        System.out.printf("records: %d, message: %d bytes of UTF-8, %s, journal max_lines=%d max_bytes=%d%n",
                n, msgBytes, arrow ? "one U+2192 then ASCII" : "all ASCII",
                n, 1L << 40);
        System.out.printf("used heap after GC: base=%d, +index=%d, +empty journal=%d, +%d records=%d,"
                + " strings only=%d%n", base, withIndex, emptyJournal, n, full, stringsOnly);
        System.out.printf("  ring arrays (empty journal)  %7.1f bytes/record%n", ring);
        System.out.printf("  message UTF-8 arrays         %7.1f bytes/record%n", strings);
        System.out.printf("  LogRecord objects (rest)     %7.1f bytes/record%n", records);
        System.out.printf("journal heap per record (measured): %.1f bytes (target <= %d): %s%n", total,
                TARGET_BYTES_PER_RECORD, total <= TARGET_BYTES_PER_RECORD ? "MET" : "NOT MET");
        System.out.printf("journal's own estimate (stats.bytes / records): %.1f bytes%n",
                (double) stats.bytes() / stats.records());
        Reference.reachabilityFence(msgs);
        System.exit(total <= TARGET_BYTES_PER_RECORD ? 0 : 1);
    }

    private record Filled(long emptyJournal, long full, JournalStats stats) {
    }

    /** Fills a journal, measures it empty and full, closes it; nothing outside refers to it afterwards. */
    private static Filled fill(int n, int msgBytes, boolean arrow, byte[][] msgs, String source, String service, String stream)
            throws InterruptedException {
        Journal journal = Journal.create(new JournalSpec(n, 1L << 40));
        long emptyJournal = usedAfterGc();
        int[] filled = {0};
        LineFramer framer = new LineFramer(64 * 1024, (line, partial) -> {
            msgs[filled[0]++] = line;
            journal.append(LogRecord.ofUtf8(LogRecord.now(), source, service, stream,
                    Level.INFO, line, Map.of(), partial ? LogRecord.Kind.PARTIAL : LogRecord.Kind.NORMAL));
        });
        feedLines(framer, n, msgBytes, arrow);
        framer.flush();
        if (filled[0] != n) {
            throw new IllegalStateException("framed " + filled[0] + " lines, expected " + n);
        }
        long full = usedAfterGc();
        JournalStats stats = journal.stats();
        if (stats.records() != n || stats.overwritten() != 0) {
            throw new IllegalStateException("journal holds " + stats.records() + " records, overwrote "
                    + stats.overwritten() + "; expected " + n + " and 0");
        }
        Reference.reachabilityFence(journal);
        journal.close();
        return new Filled(emptyJournal, full, stats);
    }

    /**
     * Frames {@code n} lines of {@code msgBytes} bytes + {@code \n} from 64 KiB chunks, as
     * {@code StreamLineReader} does with a pipe.
     */
    private static void feedLines(LineFramer framer, int n, int msgBytes, boolean arrow) {
        byte[] chunk = new byte[64 * 1024];
        int pos = 0;
        for (int i = 0; i < n; i++) {
            byte[] line = JournalAppendBenchmark.message(i, msgBytes).getBytes(StandardCharsets.US_ASCII);
            if (arrow) {
                // one character outside Latin-1 makes Java store the whole String as UTF-16
                System.arraycopy(ARROW, 0, line, 0, ARROW.length);
            }
            int off = 0;
            while (off <= line.length) {
                if (pos == chunk.length) {
                    framer.feed(chunk, 0, pos);
                    pos = 0;
                }
                chunk[pos++] = off < line.length ? line[off] : (byte) '\n';
                off++;
            }
        }
        framer.feed(chunk, 0, pos);
    }

    /** Used heap after several full collections, once the figure has settled. */
    static long usedAfterGc() throws InterruptedException {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(50);
            long used = mem.getHeapMemoryUsage().getUsed();
            if (i >= 2 && Math.abs(last - used) < 4096) {
                return used;
            }
            last = used;
        }
        return last;
    }

    private static void printVm() {
        HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        System.out.printf("JVM: %s %s, args %s, UseCompressedOops=%s, ObjectAlignmentInBytes=%s%n",
                System.getProperty("java.vm.name"), System.getProperty("java.vm.version"),
                ManagementFactory.getRuntimeMXBean().getInputArguments(),
                hs.getVMOption("UseCompressedOops").getValue(), hs.getVMOption("ObjectAlignmentInBytes").getValue());
    }
}
