package dev.logrouter.core.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.testsupport.RawSubscription;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Reactive Streams rules of the journal's reader subscription that the TCK checks only
 * stochastically or not at all, checked deterministically on the subscription itself (reached the
 * way Reactor's operators reach it, see {@link RawSubscription}).
 */
class JournalSubscriptionRulesTest {

    private final Journal journal = Journal.create(new JournalSpec(100, 1 << 20));

    @AfterEach
    void close() {
        journal.close();
    }

    private static LogRecord rec(String msg) {
        return LogRecord.of(LogRecord.now(), "test", "svc", "stdout", Level.INFO, msg);
    }

    /** Every signal, in order, with the thread it came on. */
    private static final class Recorder implements Subscriber<LogRecord> {
        final BlockingQueue<String> signals = new LinkedBlockingQueue<>();
        volatile Subscription subscription;
        volatile Thread errorThread;

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
        }

        @Override
        public void onNext(LogRecord r) {
            signals.add("next " + r.msg());
        }

        @Override
        public void onError(Throwable t) {
            errorThread = Thread.currentThread();
            signals.add("error " + t.getClass().getSimpleName());
        }

        @Override
        public void onComplete() {
            signals.add("complete");
        }

        String next() throws InterruptedException {
            String s = signals.poll(5, TimeUnit.SECONDS);
            assertThat(s).as("a signal within 5 s").isNotNull();
            return s;
        }
    }

    @Test
    void nonPositiveRequestCancelsSignalsIllegalArgumentOnTheReaderAndStopsEmitting() throws Exception {
        journal.append(rec("a"));
        Recorder r = new Recorder();
        RawSubscription.of(journal.dumpThenFollow()).subscribe(r);
        r.subscription.request(1);
        assertThat(r.next()).isEqualTo("next a");
        assertThat(journal.followerCount()).isEqualTo(1);

        r.subscription.request(0);
        assertThat(r.next()).isEqualTo("error IllegalArgumentException");
        // rule 1.3: signalled by the reader's worker, serially with onNext, not on the caller's thread
        assertThat(r.errorThread).isNotSameAs(Thread.currentThread());
        // rule 3.9: the subscription is cancelled: the reader is gone and nothing more is emitted
        assertThat(journal.followerCount()).isZero();
        r.subscription.request(10);
        r.subscription.request(-5);
        journal.append(rec("b"));
        journal.append(rec("c"));
        // a second subscriber sees both records: once it has them, the first one would have too
        Recorder probe = new Recorder();
        RawSubscription.of(journal.dump()).subscribe(probe);
        probe.subscription.request(10);
        assertThat(probe.next()).isEqualTo("next a");
        assertThat(probe.next()).isEqualTo("next b");
        assertThat(probe.next()).isEqualTo("next c");
        assertThat(probe.next()).isEqualTo("complete");
        assertThat(r.signals).as("nothing after the error").isEmpty();
    }

    @Test
    void nothingIsEmittedBeforeOnSubscribeReturnsEvenWhenItRequests() throws Exception {
        journal.append(rec("a"));
        CountDownLatch emitted = new CountDownLatch(1);
        BlockingQueue<String> order = new LinkedBlockingQueue<>();
        RawSubscription.of(journal.dump()).subscribe(new Subscriber<LogRecord>() {
            @Override
            public void onSubscribe(Subscription s) {
                s.request(Long.MAX_VALUE);
                try {
                    // a publisher that emits now (on its own thread) would release this latch
                    if (emitted.await(300, TimeUnit.MILLISECONDS)) {
                        order.add("onNext during onSubscribe");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                order.add("onSubscribe returned");
            }

            @Override
            public void onNext(LogRecord r) {
                emitted.countDown();
                order.add("next " + r.msg());
            }

            @Override
            public void onError(Throwable t) {
                order.add("error");
            }

            @Override
            public void onComplete() {
                order.add("complete");
            }
        });
        assertThat(order.poll(5, TimeUnit.SECONDS)).isEqualTo("onSubscribe returned");
        assertThat(order.poll(5, TimeUnit.SECONDS)).isEqualTo("next a");
        assertThat(order.poll(5, TimeUnit.SECONDS)).isEqualTo("complete");
    }
}
