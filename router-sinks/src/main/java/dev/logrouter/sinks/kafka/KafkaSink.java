package dev.logrouter.sinks.kafka;

import dev.logrouter.core.metrics.CounterSet;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.sink.DeliveryAck;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.sink.SinkCounters;
import dev.logrouter.sinks.encode.EncodedBuffer;
import dev.logrouter.sinks.encode.RecordEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.RetriableException;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Sends records to Kafka with the official producer; each record is one Kafka record whose value is
 * the encoded record (no trailing newline) and whose key is chosen by {@code key}.
 *
 * <p>Backpressure: the sink requests at most {@code max_in_flight} records from its buffer and
 * requests one more only when a record is settled (acknowledged by the brokers, or dropped). While
 * the brokers are down nothing is acknowledged, so the sink stops requesting and records wait in the
 * router's {@code SinkBuffer}, which applies {@code when_full}. Before the {@link Mono} of
 * {@link #write} is subscribed no producer exists and nothing is requested; nothing is replayed: each
 * {@link #write} call makes its own producer and sends each record it receives once, plus the
 * re-sends described below.
 *
 * <p>Delivery: a record counts as written ({@link SinkCounters#written()}) only when the producer's
 * callback reports it acknowledged ({@code acks}). A record that fails with an error the producer
 * does not retry (too large for the broker, refused by authorization, ...) is counted as dropped,
 * its error (with the record's cursor, size and topic) becomes the last error, and one gap record
 * saying how many were lost follows on the gap record's own topic. A record that fails with a
 * retriable error (the brokers stayed unreachable past {@code delivery.timeout.ms}, no metadata
 * within {@code max.block.ms}) is kept: once every earlier send has settled, the kept records are
 * sent again in their original order before anything new (at-least-once; counted in
 * {@link SinkCounters#resent()}). Each record is counted once as written or dropped.
 *
 * <p>All producer calls and all {@code request}s happen on one thread per {@link #write} call
 * ({@code kafka-sink-NAME}); the producer's callbacks only queue their results for it.
 */
public final class KafkaSink implements LogSink {

    private static final long RETRY_MIN_NANOS = Duration.ofMillis(200).toNanos();
    private static final long RETRY_MAX_NANOS = Duration.ofSeconds(10).toNanos();

    private final KafkaSinkSpec spec;
    private final Map<String, Object> settings;
    /** written = acknowledged by the brokers, dropped = failed for good, reconnects = retry rounds. */
    private final SinkCounters counters = new SinkCounters("idle", this::connectionSeen);
    /** Records taken from the buffer and not yet acknowledged or dropped. */
    private final AtomicLong inFlight = new AtomicLong();
    private volatile Producer<byte[], byte[]> current;

    /**
     * @throws IllegalArgumentException when the TLS files cannot be read
     */
    public KafkaSink(KafkaSinkSpec spec) {
        this.spec = spec;
        this.settings = spec.producerSettings();
        CounterSet own = counters.own();
        own.counter("acked", counters::written);
        own.counter("failed", counters::dropped);
        own.level("in_flight", inFlight::get);
        own.counter("resent", counters::resent);
        own.counter("retries", counters::reconnects);
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public String type() {
        return "kafka";
    }

    public KafkaSinkSpec spec() {
        return spec;
    }

    /**
     * {@code written} is records acknowledged by the brokers, {@code dropped} records that failed
     * for good, {@code reconnects} how often records had to be re-sent after the brokers became
     * unreachable; its own counters are {@code acked}, {@code failed}, {@code in_flight} (taken from
     * the buffer, not yet settled), {@code resent} and {@code retries}. The connection is
     * {@code idle} before the first record, {@code connecting} until the first acknowledgement,
     * {@code up} while records are acknowledged, {@code down} while records wait for unreachable
     * brokers. Every record {@link #write} receives ends exactly once as written or dropped.
     */
    @Override
    public SinkCounters counters() {
        return counters;
    }

    /** Records taken from the sink's buffer and not yet acknowledged or dropped. */
    public long inFlight() {
        return inFlight.get();
    }

    private String connectionSeen(String c) {
        if (c.equals("up") && inFlight.get() > 0 && connectedBrokers() == 0) {
            return "down"; // the producer lost every broker connection while records wait for acks
        }
        return c;
    }

    /** Open connections of the producer to brokers, from its {@code connection-count} metric; -1 if none. */
    private long connectedBrokers() {
        Producer<byte[], byte[]> p = current;
        if (p == null) {
            return -1;
        }
        try {
            for (Map.Entry<MetricName, ? extends Metric> e : p.metrics().entrySet()) {
                if (e.getKey().name().equals("connection-count") && e.getKey().group().equals("producer-metrics")) {
                    return e.getValue().metricValue() instanceof Number n ? n.longValue() : -1;
                }
            }
        } catch (RuntimeException closed) {
            // a closed producer has no metrics
        }
        return -1;
    }

    @Override
    public Mono<Void> write(Flux<LogRecord> records) {
        return write(records, DeliveryAck.NONE);
    }

    /**
     * A record is acknowledged as delivered once the brokers acknowledged it and every record received
     * before it (or it failed for good and was counted as dropped): a disk buffer frees its segments,
     * and a source saves its position, only that far.
     */
    @Override
    public Mono<Void> write(Flux<LogRecord> records, DeliveryAck ack) {
        return Mono.create(done -> {
            Session s;
            try {
                s = new Session(done, new KafkaProducer<>(settings), ack);
            } catch (RuntimeException e) {
                counters.error(describe(e));
                done.error(e);
                return;
            }
            done.onCancel(s::stop);
            s.thread.start();
            records.subscribe(s);
        });
    }

    /** One record on its way to Kafka. */
    private static final class Entry {
        final long seq;
        final LogRecord record;
        final boolean gap;
        /** Acknowledged, or dropped and counted: nothing more will happen to it. */
        boolean settled;
        String topic;
        byte[] key;
        byte[] value;

        Entry(long seq, LogRecord record, boolean gap) {
            this.seq = seq;
            this.record = record;
            this.gap = gap;
        }
    }

    private record Completion(Entry entry, Exception error) {
    }

    /** The state of one {@link #write} call; everything not volatile/concurrent is touched by {@link #thread} only. */
    private final class Session extends BaseSubscriber<LogRecord> implements Runnable {
        final MonoSink<Void> done;
        final Producer<byte[], byte[]> producer;
        final DeliveryAck ack;
        /** Records received from the buffer, in order, until they and all before them are settled. */
        final java.util.ArrayDeque<Entry> order = new java.util.ArrayDeque<>();
        /** Records of the buffer acknowledged to it so far, in the order received. */
        long acknowledged;
        final Thread thread;
        final ConcurrentLinkedQueue<LogRecord> incoming = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
        final AtomicBoolean work = new AtomicBoolean();
        /** Failed with a retriable error, re-sent in their original order. */
        final PriorityQueue<Entry> retry = new PriorityQueue<>((a, b) -> Long.compare(a.seq, b.seq));
        final TopicTemplate topics = new TopicTemplate(spec.topic());
        final RecordEncoder encoder = spec.encoder().newEncoder();
        final EncodedBuffer buf = new EncodedBuffer(4096);
        volatile boolean subscribed;
        volatile boolean upstreamDone;
        volatile Throwable upstreamError;
        volatile boolean stopped;
        long seq;
        long sent; // sends not yet settled
        long unannounced;
        long retryAt;
        long retryDelay = RETRY_MIN_NANOS;

        Session(MonoSink<Void> done, Producer<byte[], byte[]> producer, DeliveryAck ack) {
            this.done = done;
            this.producer = producer;
            this.ack = ack;
            this.thread = new Thread(this, "kafka-sink-" + spec.name());
            this.thread.setDaemon(true);
            current = producer;
            counters.connection("idle"); // nothing to send yet: not a reason for /health to fail
        }

        @Override
        protected void hookOnSubscribe(Subscription s) {
            subscribed = true; // the sender thread makes the first request: all requests come from it
            wake();
        }

        @Override
        protected void hookOnNext(LogRecord r) {
            inFlight.incrementAndGet();
            incoming.add(r);
            wake();
        }

        @Override
        protected void hookOnComplete() {
            upstreamDone = true;
            wake();
        }

        @Override
        protected void hookOnError(Throwable t) {
            upstreamError = t;
            upstreamDone = true;
            wake();
        }

        void stop() {
            stopped = true;
            dispose();
            wake();
        }

        void wake() {
            // unpark (a futex call) only when the sender thread has taken the previous signal
            if (!work.getAndSet(true)) {
                LockSupport.unpark(thread);
            }
        }

        @Override
        public void run() {
            try {
                while (!subscribed && !stopped) {
                    park();
                }
                if (!stopped) {
                    upstream().request(spec.maxInFlight());
                }
                while (!stopped) {
                    work.set(false);
                    long more = settle();
                    if (more > 0 && !upstreamDone) {
                        upstream().request(more);
                    }
                    if (upstreamError != null) {
                        break;
                    }
                    if (upstreamDone && incoming.isEmpty() && retry.isEmpty() && sent == 0
                            && unannounced == 0) {
                        break;
                    }
                    Entry next = next();
                    if (next != null) {
                        send(next);
                    } else {
                        park();
                    }
                }
            } catch (RuntimeException | Error e) {
                counters.error(describe(e));
                upstreamError = e;
                dispose();
            } finally {
                finish();
            }
        }

        private void park() {
            if (!work.get()) {
                LockSupport.parkNanos(this, Duration.ofMillis(100).toNanos());
            }
        }

        /** Applies the queued callback results; returns how many records to request. */
        private long settle() {
            long more = 0;
            Completion c;
            while ((c = completions.poll()) != null) {
                sent--;
                Entry e = c.entry();
                if (c.error() == null) {
                    counters.connection("up");
                    counters.addWrittenBytes(e.value.length);
                    retryDelay = RETRY_MIN_NANOS;
                    if (!e.gap) {
                        counters.addWritten(1);
                        inFlight.decrementAndGet();
                        more++;
                        e.settled = true;
                    }
                } else if (keep(c.error())) {
                    counters.error(describe(e, c.error()));
                    counters.connection("down");
                    if (retry.isEmpty()) {
                        counters.addReconnect();
                        retryAt = System.nanoTime() + retryDelay;
                        retryDelay = Math.min(RETRY_MAX_NANOS, retryDelay * 2);
                    }
                    retry.add(e);
                } else {
                    counters.error(describe(e, c.error()));
                    if (!e.gap) {
                        counters.addDropped(1);
                        inFlight.decrementAndGet();
                        unannounced++;
                        more++;
                        e.settled = true;
                    }
                }
            }
            acknowledgeInOrder();
            return more;
        }

        /** Tells the buffer how far every record is settled: acks complete out of order across partitions. */
        private void acknowledgeInOrder() {
            long settledInOrder = 0;
            while (!order.isEmpty() && order.peekFirst().settled) {
                order.pollFirst();
                settledInOrder++;
            }
            if (settledInOrder > 0) {
                // order holds the buffer's records only, in the order received: a position in its flux
                acknowledged += settledInOrder;
                ack.delivered(acknowledged);
            }
        }

        /** The next record to send, or null to wait. */
        private Entry next() {
            if (!retry.isEmpty()) {
                // Re-send only once every earlier send has settled, so each key's records keep their order.
                if (sent > 0 || System.nanoTime() - retryAt < 0) {
                    return null;
                }
                counters.addResent(1);
                return retry.poll();
            }
            if (unannounced > 0) {
                Entry g = new Entry(seq++, LogRecord.gap(LogRecord.now(), "kafka sink " + spec.name(), unannounced),
                        true);
                unannounced = 0;
                return prepare(g) ? g : null;
            }
            LogRecord r;
            while ((r = incoming.poll()) != null) {
                Entry e = new Entry(seq++, r, false);
                order.addLast(e);
                if (prepare(e)) {
                    return e;
                }
            }
            return null;
        }

        /** Encodes the record; a record the encoder cannot represent is counted as dropped. */
        private boolean prepare(Entry e) {
            LogRecord r = e.record;
            try {
                buf.reset();
                encoder.encode(r, buf);
                e.value = buf.toByteArray();
                e.topic = topics.topicOf(r);
                e.key = keyOf(r);
                return true;
            } catch (RuntimeException bad) {
                if (e.gap) {
                    counters.error(RecordEncoder.failure(r, bad));
                } else {
                    counters.encodeFailed(RecordEncoder.failure(r, bad));
                    inFlight.decrementAndGet();
                    unannounced++;
                    e.settled = true;
                    acknowledgeInOrder();
                    if (!upstreamDone) {
                        upstream().request(1);
                    }
                }
                return false;
            }
        }

        private byte[] keyOf(LogRecord r) {
            String k;
            switch (spec.key()) {
                case "none": return null;
                case "service": k = r.service(); break;
                case "source": k = r.source(); break;
                default:
                    Object v = r.fields().get(spec.key());
                    k = v == null ? null : v.toString();
            }
            return k == null ? null : k.getBytes(StandardCharsets.UTF_8);
        }

        private void send(Entry e) {
            if (counters.connection().equals("idle")) {
                counters.connection("connecting");
            }
            sent++;
            try {
                producer.send(new ProducerRecord<>(e.topic, null, e.key, e.value), (md, err) -> {
                    completions.add(new Completion(e, err));
                    wake();
                });
            } catch (RuntimeException err) {
                // send() reports most errors through the callback; what it throws is treated the same
                completions.add(new Completion(e, err));
            }
        }

        private void finish() {
            boolean clean = !stopped && upstreamError == null;
            try {
                producer.close(clean ? Duration.ofSeconds(10) : Duration.ZERO);
            } catch (RuntimeException e) {
                counters.error(describe(e));
            }
            // a forced stop abandons what was not acknowledged
            settle();
            long abandoned = inFlight.getAndSet(0);
            if (abandoned > 0) {
                counters.addDropped(abandoned);
            }
            current = null;
            counters.connection(clean ? "closed" : "stopped");
            Throwable err = upstreamError;
            if (err != null) {
                done.error(err);
            } else {
                done.success();
            }
        }
    }

    /**
     * Errors after which a record is kept and sent again: the ones Kafka calls retriable, and failed
     * authentication, which no record can get past (records wait in the buffer until the
     * credentials or the brokers are fixed, rather than being dropped one by one).
     */
    static boolean keep(Exception err) {
        return err instanceof RetriableException || err instanceof AuthenticationException;
    }

    private static String describe(Entry e, Exception err) {
        LogRecord r = e.record;
        return (e.gap ? "gap record" : "record " + r.cursor()) + " (service " + r.service() + ", " + e.value.length
                + " bytes) to topic " + e.topic + ": " + describe(err);
    }

    static String describe(Throwable t) {
        if (t == null) {
            return null;
        }
        String m = t.getMessage();
        Throwable c = t.getCause();
        if ((m == null || m.isBlank()) && c != null) {
            return describe(c);
        }
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
