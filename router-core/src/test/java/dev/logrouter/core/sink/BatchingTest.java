package dev.logrouter.core.sink;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The one batching policy of the sinks that write in batches. */
class BatchingTest {

    @Test
    void aFullBatchGoesAtOnceAndAPartOneAfterTheDelay() {
        Batching b = new Batching(3, Duration.ofMillis(20));
        StepVerifier.withVirtualTime(() -> b.batches(
                        Flux.concat(Flux.just(1, 2, 3, 4), Flux.just(5).delayElements(Duration.ofSeconds(1))),
                        VirtualTimeScheduler.get()))
                .expectSubscription()
                .expectNext(List.of(1, 2, 3))
                .expectNoEvent(Duration.ofMillis(19))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(List.of(4))
                .thenAwait(Duration.ofSeconds(1))
                .thenAwait(Duration.ofMillis(20))
                .expectNext(List.of(5))
                .verifyComplete();
    }

    @Test
    void upstreamIsAskedForAFewBatchesAheadNotEverything() {
        Batching b = new Batching(4, Duration.ofSeconds(1));
        List<Long> requested = new java.util.concurrent.CopyOnWriteArrayList<>();
        StepVerifier.create(b.batches(Flux.range(0, 10_000).doOnRequest(requested::add), Schedulers.parallel()), 1)
                .expectNext(List.of(0, 1, 2, 3))
                .thenCancel()
                .verify();
        // one batch requested: a sink's buffer keeps the rest
        org.assertj.core.api.Assertions.assertThat(requested.stream().mapToLong(Long::longValue).sum())
                .isLessThanOrEqualTo(4L * 4);
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> new Batching(0, Duration.ofMillis(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Batching(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
