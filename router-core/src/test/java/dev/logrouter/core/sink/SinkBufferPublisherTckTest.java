package dev.logrouter.core.sink;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.testsupport.RawSubscription;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.annotations.AfterClass;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The Reactive Streams TCK (a TestNG suite, run on the JUnit Platform by testng-engine) against
 * {@link SinkBuffer#flux()}'s subscription, reached the way Reactor's operators reach it (see
 * {@link RawSubscription}). A publisher of {@code n} elements is a closed buffer holding {@code n}
 * records; an endless one (n above 1,024) an open buffer; a failed one a buffer that already has its
 * subscriber.
 *
 * <p>Every required test runs: rule 1.3 (nothing is signalled before {@code onSubscribe} returns, and
 * the drain serializes every signal), 3.9 ({@code request(n <= 0)} ends the subscription with
 * {@code onError}) and 3.13 (no reference to the subscriber after a cancel) are also covered by
 * {@code SinkBufferSubscriptionTest}.
 */
public class SinkBufferPublisherTckTest extends PublisherVerification<LogRecord> {

    private static final TestEnvironment ENV = new TestEnvironment(1000, 100);
    /** Publishers of more elements than this are open buffers holding this many: endless streams. */
    private static final long BOUNDED = 1024;

    private final Scheduler scheduler = Schedulers.newBoundedElastic(4, 10_000, "sink-buffer-tck", 10, true);

    public SinkBufferPublisherTckTest() {
        super(ENV);
    }

    @AfterClass
    public void disposeScheduler() {
        scheduler.dispose();
    }

    @Override
    public Publisher<LogRecord> createPublisher(long elements) {
        SinkBuffer buffer = new SinkBuffer("tck", new BufferSpec((int) BOUNDED, 64L * 1024 * 1024,
                WhenFull.DROP_NEWEST), false, scheduler);
        for (long i = 0; i < Math.min(elements, BOUNDED); i++) {
            buffer.offer(LogRecord.of(i, "tck", "svc", "stdout", Level.INFO, "record " + i));
        }
        if (elements <= BOUNDED) {
            buffer.close();
        }
        // else an endless stream (a buffer left open), as far as the tests that ask for one can see
        return RawSubscription.of(buffer.flux());
    }

    /** A buffer that already has its one subscriber: it rejects the next with onSubscribe + onError. */
    @Override
    public Publisher<LogRecord> createFailedPublisher() {
        SinkBuffer buffer = new SinkBuffer("tck-taken", new BufferSpec(16, 1L << 20, WhenFull.DROP_NEWEST), false,
                scheduler);
        buffer.flux().subscribe();
        return RawSubscription.of(buffer.flux());
    }

    @Override
    public long maxElementsFromPublisher() {
        // finite streams complete (Long.MAX_VALUE would tell the TCK that none ever does)
        return Long.MAX_VALUE - 1;
    }
}
