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
 * records.
 */
public class SinkBufferPublisherTckTest extends PublisherVerification<LogRecord> {

    private static final TestEnvironment ENV = new TestEnvironment(1000, 100);
    private static final long MAX_ELEMENTS = 1024;

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
        SinkBuffer buffer = new SinkBuffer("tck", new BufferSpec((int) MAX_ELEMENTS, 64L * 1024 * 1024,
                WhenFull.DROP_NEWEST), false, scheduler);
        for (long i = 0; i < elements; i++) {
            buffer.offer(LogRecord.of(i, "tck", "svc", "stdout", Level.INFO, "record " + i));
        }
        buffer.close();
        return RawSubscription.of(buffer.flux());
    }

    @Override
    public Publisher<LogRecord> createFailedPublisher() {
        // a sink buffer never fails
        return null;
    }

    @Override
    public long maxElementsFromPublisher() {
        return MAX_ELEMENTS;
    }
}
