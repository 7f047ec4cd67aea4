package dev.logrouter.core.testsupport;

import dev.logrouter.core.record.LogRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/** Subscribes to a source's records and lets a test wait for them. */
public final class RecordQueue implements AutoCloseable {

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Disposable subscription;
    private volatile Throwable error;

    public RecordQueue(Flux<LogRecord> flux) {
        subscription = flux.subscribe(records::add, e -> error = e);
    }

    public List<LogRecord> all() {
        return new ArrayList<>(records);
    }

    public List<LogRecord> matching(Predicate<LogRecord> p) {
        return records.stream().filter(p).collect(Collectors.toList());
    }

    public List<String> msgs(Predicate<LogRecord> p) {
        return records.stream().filter(p).map(LogRecord::msg).collect(Collectors.toList());
    }

    public Throwable error() {
        return error;
    }

    /** Waits until {@code n} records match, or fails after {@code timeout}. */
    public List<LogRecord> await(Predicate<LogRecord> p, int n, Duration timeout) {
        awaitTrue(() -> matching(p).size() >= n || error != null, timeout,
                () -> "expected " + n + " matching records, have " + matching(p).size() + "; error=" + error);
        return matching(p);
    }

    /** Polls {@code cond} until it holds; on timeout the failure says {@code what} was seen last. */
    public static void awaitTrue(BooleanSupplier cond, Duration timeout, java.util.function.Supplier<String> what) {
        Conditions.await(cond, timeout, what);
    }

    @Override
    public void close() {
        subscription.dispose();
    }
}
