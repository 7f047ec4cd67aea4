package dev.logrouter.core.sink;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.testsupport.RawSubscription;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.annotations.AfterClass;
import org.testng.annotations.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The Reactive Streams TCK (a TestNG suite, run on the JUnit Platform by testng-engine) against
 * {@link SinkBuffer#flux()}'s subscription, reached the way Reactor's operators reach it (see
 * {@link RawSubscription}). A publisher of {@code n} elements is a closed buffer holding {@code n}
 * records.
 *
 * <p>Two rules are broken by today's {@link SinkBuffer} (issue 9; the sink buffer is being reworked
 * elsewhere, so they are reported, not fixed, here). Their TCK tests are marked not verified, with
 * the reason, instead of failing the build; delete the overrides once the buffer keeps the rules:
 * <ul>
 *   <li>1.3: the buffer publishes its subscriber before {@code onSubscribe} and drains on its worker
 *       as soon as there is demand, so {@code onNext} can run while {@code onSubscribe} (which
 *       requested) has not returned;</li>
 *   <li>3.13: after {@code cancel()} the buffer keeps its reference to the subscriber.</li>
 * </ul>
 * Rule 3.9 ({@code request(n <= 0)}) passes the TCK only because no demand is outstanding there; the
 * buffer still signals the error on the caller's thread without cancelling.
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
    @Test
    public void stochastic_spec103_mustSignalOnMethodsSequentially() {
        notVerified("known violation of rule 1.3 by SinkBuffer: onNext before onSubscribe returns (issue 9)");
    }

    @Override
    @Test
    public void required_spec313_cancelMustMakeThePublisherEventuallyDropAllReferencesToTheSubscriber() {
        notVerified("known violation of rule 3.13 by SinkBuffer: the subscriber stays referenced after cancel (issue 9)");
    }

    @Override
    public long maxElementsFromPublisher() {
        return MAX_ELEMENTS;
    }
}
