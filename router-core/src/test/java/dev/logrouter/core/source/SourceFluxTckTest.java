package dev.logrouter.core.source;

import dev.logrouter.core.testsupport.RawSubscription;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;

/**
 * The Reactive Streams TCK against {@link SourceFlux}'s subscription, reached as Reactor's operators
 * reach it ({@link RawSubscription}). A publisher of {@code n} elements is a source whose own thread
 * emits {@code n} numbers as the demand allows, the way the exec source reads a pipe, then completes.
 */
public class SourceFluxTckTest extends PublisherVerification<Long> {

    /** Timeouts for a loaded 2-core CI machine: 1 s for expected signals, 100 ms to see none come. */
    private static final TestEnvironment ENV = new TestEnvironment(1000, 100);

    public SourceFluxTckTest() {
        super(ENV);
    }

    @Override
    public Publisher<Long> createPublisher(long elements) {
        return RawSubscription.of(SourceFlux.<Long>create(sink -> {
            Demand<Long> demand = Demand.of(sink);
            Thread t = new Thread(() -> {
                try {
                    for (long i = 0; i < elements && !sink.isCancelled(); i++) {
                        demand.await();
                        sink.next(i);
                    }
                    sink.complete();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "source-flux-tck");
            t.setDaemon(true);
            t.start();
        }));
    }

    @Override
    public Publisher<Long> createFailedPublisher() {
        return RawSubscription.of(SourceFlux.<Long>create(sink -> sink.error(new IllegalStateException("cannot open"))));
    }

    @Override
    public long maxElementsFromPublisher() {
        return 1024;
    }
}
