package dev.logrouter.core.sink;

import static dev.logrouter.core.testsupport.Conditions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** Acknowledgements by position: what a memory buffer keeps for a sink's confirmation, and what it releases. */
class SinkBufferAckTest {

    private final Scheduler scheduler = Schedulers.newBoundedElastic(2, 1000, "ack-test");

    @AfterEach
    void dispose() {
        scheduler.dispose();
    }

    private static LogRecord rec(String source, int i) {
        return LogRecord.of(i, source, "svc", "stdout", Level.INFO, source + " " + i);
    }

    /**
     * Handed-out records no source waits for are not kept until the sink confirms them: a sink that
     * confirms late (a TCP sink's re-send window) made the buffer hold them all a second time.
     * On the code before, nothing handed out could be collected before its acknowledgement.
     */
    @Test
    void recordsNoSourceWaitsForAreNotKeptUntilAcknowledged() {
        SinkBuffer b = new SinkBuffer("s", new BufferSpec(10_000, 64L << 20, WhenFull.DROP_OLDEST), true, scheduler);
        List<List<LogRecord>> released = new CopyOnWriteArrayList<>();
        b.onRelease(released::add, r -> r.source().equals("kmsg"));
        List<WeakReference<LogRecord>> untracked = new ArrayList<>();
        for (int i = 1; i <= 2000; i++) {
            LogRecord r = rec(i % 2 == 0 ? "kmsg" : "app", i);
            if (i % 2 != 0) {
                untracked.add(new WeakReference<>(r));
            }
            b.offer(r);
        }
        int[] got = {0};
        Disposable d = b.flux().subscribe(r -> got[0]++);
        await(() -> got[0] == 2000);
        // none acknowledged yet: the untracked records are the sink's alone, and it dropped them
        await(() -> {
            System.gc();
            return untracked.stream().allMatch(w -> w.get() == null);
        });
        assertThat(released).isEmpty();
        d.dispose();
    }

    /** The first n entries of the flux, gap records counted; only the records a source waits for are told of. */
    @Test
    void anAcknowledgementReleasesTheWantedRecordsItCoversInOrderCountingGapRecords() {
        SinkBuffer b = new SinkBuffer("s", new BufferSpec(4, 64L << 20, WhenFull.DROP_OLDEST), true, scheduler);
        List<LogRecord> released = new CopyOnWriteArrayList<>();
        b.onRelease(released::addAll, r -> r.source().equals("kmsg"));
        // 1..6 offered to a buffer of 4 before anyone reads: 1 and 2 are dropped (told of at once),
        // the flux is then gap(2), 3, 4, 5, 6
        for (int i = 1; i <= 6; i++) {
            b.offer(rec("kmsg", i));
        }
        assertThat(released).extracting(LogRecord::msg).containsExactly("kmsg 1", "kmsg 2");
        released.clear();
        List<LogRecord> got = new CopyOnWriteArrayList<>();
        Disposable d = b.flux().subscribe(got::add);
        await(() -> got.size() == 5);
        assertThat(got.get(0).isGap()).isTrue();
        b.ack(1); // the gap record alone
        assertThat(released).isEmpty();
        b.ack(3); // up to "kmsg 4"
        assertThat(released).extracting(LogRecord::msg).containsExactly("kmsg 3", "kmsg 4");
        b.ack(2); // behind what was acknowledged: nothing
        b.offer(rec("app", 7));
        b.offer(rec("kmsg", 8));
        await(() -> got.size() == 7);
        b.ack(7);
        assertThat(released).extracting(LogRecord::msg).containsExactly("kmsg 3", "kmsg 4", "kmsg 5", "kmsg 6", "kmsg 8");
        d.dispose();
    }
}
