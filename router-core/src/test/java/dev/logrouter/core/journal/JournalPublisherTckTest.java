package dev.logrouter.core.journal;

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
 * The Reactive Streams TCK (a TestNG suite, run on the JUnit Platform by testng-engine) against the
 * journal's reader subscription ({@link JournalSubscription}, behind {@link Journal#read}), reached
 * the way Reactor's operators reach it (see {@link RawSubscription}). A publisher of {@code n}
 * elements is a dump of a journal holding {@code n} records.
 */
public class JournalPublisherTckTest extends PublisherVerification<LogRecord> {

    /** Timeouts for a loaded 2-core CI machine: 1 s for expected signals, 100 ms to see none come. */
    private static final TestEnvironment ENV = new TestEnvironment(1000, 100);
    private static final long MAX_ELEMENTS = 1024;

    private final Scheduler scheduler = Schedulers.newBoundedElastic(4, 10_000, "journal-tck", 10, true);

    public JournalPublisherTckTest() {
        super(ENV);
    }

    @AfterClass
    public void disposeScheduler() {
        scheduler.dispose();
    }

    @Override
    public Publisher<LogRecord> createPublisher(long elements) {
        Journal journal = Journal.create(new JournalSpec((int) Math.max(1, elements), 64L * 1024 * 1024), scheduler);
        for (long i = 0; i < elements; i++) {
            journal.append(LogRecord.of(i, "tck", "svc", "stdout", Level.INFO, "record " + i));
        }
        return RawSubscription.of(journal.dump());
    }

    @Override
    public Publisher<LogRecord> createFailedPublisher() {
        // a journal read never fails
        return null;
    }

    @Override
    public long maxElementsFromPublisher() {
        return MAX_ELEMENTS;
    }
}
