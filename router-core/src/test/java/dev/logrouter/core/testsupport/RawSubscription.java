package dev.logrouter.core.testsupport;

import java.util.Objects;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;

/**
 * Exposes the hand-written {@link Subscription} behind a {@link Flux} to a plain {@link Subscriber}.
 *
 * <p>{@code Flux.subscribe(Subscriber)} wraps a non-Reactor subscriber in Reactor's strict subscriber,
 * which enforces the Reactive Streams rules itself (e.g. answers {@code request(0)} with an error):
 * a test through it would check Reactor, not our code. Reactor's own operators subscribe as
 * {@link CoreSubscriber}s and talk to our subscription directly; this adapter does the same and
 * passes every signal through unchanged, so the TCK sees exactly what Reactor's operators see.
 */
public final class RawSubscription {

    private RawSubscription() {
    }

    public static <T> Publisher<T> of(Flux<T> flux) {
        return subscriber -> {
            Objects.requireNonNull(subscriber, "subscriber (rule 1.9)");
            flux.subscribe(new CoreSubscriber<T>() {
                @Override
                public void onSubscribe(Subscription s) {
                    subscriber.onSubscribe(s);
                }

                @Override
                public void onNext(T t) {
                    subscriber.onNext(t);
                }

                @Override
                public void onError(Throwable t) {
                    subscriber.onError(t);
                }

                @Override
                public void onComplete() {
                    subscriber.onComplete();
                }
            });
        };
    }
}
