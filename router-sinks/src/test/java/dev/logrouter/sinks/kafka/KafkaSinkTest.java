package dev.logrouter.sinks.kafka;

import dev.logrouter.sinks.testsupport.TestSpecs;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.SinkBuffer;
import dev.logrouter.core.sink.SinkState;
import dev.logrouter.core.sink.WhenFull;
import dev.logrouter.sinks.encode.EncoderSpec;
import dev.logrouter.sinks.encode.FieldSet;
import dev.logrouter.sinks.encode.Format;
import dev.logrouter.sinks.encode.Framing;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The Kafka sink against a real Apache Kafka 4.x broker (KRaft, child JVM on loopback), read back
 * with a plain {@link KafkaConsumer}. One broker for the whole class.
 */
@Timeout(value = 100)
class KafkaSinkTest {

    /** The broker's message.max.bytes: small, so a too-large record is cheap to make. */
    static final int MESSAGE_MAX_BYTES = 100_000;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static KafkaBroker broker;
    private Scheduler scheduler;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new KafkaBroker(dir, MESSAGE_MAX_BYTES);
        broker.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        scheduler = Schedulers.newBoundedElastic(4, 10_000, "kafka-sink-test");
        broker.start(); // a test that failed half-way may have left it stopped
    }

    @AfterEach
    void tearDown() {
        scheduler.dispose();
    }

    static KafkaSinkSpec spec(String topic, int maxInFlight, Map<String, String> producer) {
        EncoderSpec enc = TestSpecs.encoder(Format.JSON_LINES, FieldSet.TALOS, Map.of(), null, true, null, Framing.LF);
        // max_record_bytes = the broker's message.max.bytes, as docs/kafka.md advises
        return TestSpecs.kafka("k", List.of(broker.bootstrap()), topic, null, enc, null, null, 16 * 1024,
                MESSAGE_MAX_BYTES, Duration.ofMillis(5), maxInFlight, null, null, producer);
    }

    static LogRecord record(long cursor, String service, String msg) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("seq", cursor);
        f.put("pod", "pod-" + service);
        return new LogRecord(cursor, LogRecord.now(), "src", service, "stdout", Level.INFO, msg, f,
                LogRecord.Kind.NORMAL);
    }

    /** Every record of the topics, waiting until at least {@code atLeast} arrived and then until no more come. */
    static List<ConsumerRecord<String, String>> readAll(List<String> topics, long atLeast) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "1048576");
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                for (PartitionInfo i : c.partitionsFor(t, Duration.ofSeconds(10))) {
                    parts.add(new TopicPartition(t, i.partition()));
                }
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < end) {
                var batch = c.poll(Duration.ofMillis(500));
                batch.forEach(out::add);
                if (batch.isEmpty() && out.size() >= atLeast) {
                    break;
                }
            }
        }
        return out;
    }

    static void log(String what) {
        System.out.println(java.time.LocalTime.now() + " " + what);
    }

    static void await(BooleanSupplier cond, Duration max, String what) {
        Awaitility.await(what).atMost(max).pollInterval(Duration.ofMillis(20)).until(cond::getAsBoolean);
    }

    private SinkBuffer buffer(int maxEvents) {
        return new SinkBuffer("k", new BufferSpec(maxEvents, 64L << 20, WhenFull.DROP_OLDEST), true, scheduler);
    }

    static JsonNode json(ConsumerRecord<String, String> r) {
        try {
            return JSON.readTree(r.value());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.value(), e);
        }
    }

    @Test
    void recordsArriveInOrderPerKeyWithTheirFields() throws Exception {
        KafkaSink sink = new KafkaSink(spec("order-{service}", 500, Map.of()));
        SinkBuffer buf = buffer(100_000);
        List<Long> acked = new java.util.concurrent.CopyOnWriteArrayList<>();
        // positions in the buffer's flux: record i is the i-th (no gap records here)
        Mono<Void> done = sink.write(buf.flux(), acked::add).cache();
        done.subscribe();
        assertThat(sink.state().connection()).as("nothing to send yet: healthy").isEqualTo("idle");
        List<String> services = List.of("api", "db", "web");
        int n = 3000;
        for (int i = 1; i <= n; i++) {
            buf.offer(record(i, services.get(i % 3), "line " + i));
        }
        buf.close();
        done.block(Duration.ofSeconds(60));

        List<ConsumerRecord<String, String>> got = readAll(List.of("order-api", "order-db", "order-web"), n);
        assertThat(got).hasSize(n);
        Map<String, Long> lastCursor = new HashMap<>();
        Set<Integer> partitionsOfKey = new HashSet<>();
        for (ConsumerRecord<String, String> r : got) {
            JsonNode j = json(r);
            String service = j.get("talos-service").asText();
            assertThat(r.key()).isEqualTo(service);
            assertThat(r.topic()).isEqualTo("order-" + service);
            long cursor = j.get("cursor").asLong();
            assertThat(j.get("msg").asText()).isEqualTo("line " + cursor);
            assertThat(j.get("seq").asLong()).isEqualTo(cursor);
            assertThat(j.get("pod").asText()).isEqualTo("pod-" + service);
            assertThat(j.get("talos-level").asText()).isEqualTo("info");
            assertThat(j.has("talos-time")).isTrue();
            assertThat(services.get((int) (cursor % 3))).isEqualTo(service);
            // one key lives in one partition, in the order the records were offered
            assertThat(cursor).as("order of %s", service).isGreaterThan(lastCursor.getOrDefault(service, 0L));
            lastCursor.put(service, cursor);
            if (service.equals("api")) {
                partitionsOfKey.add(r.partition());
            }
        }
        assertThat(partitionsOfKey).hasSize(1);
        SinkState st = sink.state();
        assertThat(st.written()).isEqualTo(n);
        assertThat(st.dropped()).isZero();
        assertThat(st.resent()).isZero();
        assertThat(st.connection()).isEqualTo("closed");
        assertThat(sink.inFlight()).isZero();
        // delivery reaches the buffer in the order records were received, up to the last one
        assertThat(acked).isNotEmpty().isSorted().doesNotHaveDuplicates();
        assertThat(acked.get(acked.size() - 1)).isEqualTo(n);
    }

    @Test
    void topicTemplateSplitsByServiceAndSourceAndIsSanitised() throws Exception {
        KafkaSink sink = new KafkaSink(spec("tpl.{source}.{service}", 100, Map.of()));
        SinkBuffer buf = buffer(1000);
        Mono<Void> done = sink.write(buf.flux()).cache();
        done.subscribe();
        String[] services = {"web app", "db/main", "kernel"};
        for (int i = 1; i <= 30; i++) {
            String svc = services[i % 3];
            buf.offer(new LogRecord(i, LogRecord.now(), "node-1", svc, "stdout", Level.INFO, "m" + i, Map.of(),
                    LogRecord.Kind.NORMAL));
        }
        buf.close();
        done.block(Duration.ofSeconds(60));
        for (String topic : List.of("tpl.node-1.web_app", "tpl.node-1.db_main", "tpl.node-1.kernel")) {
            List<ConsumerRecord<String, String>> got = readAll(List.of(topic), 10);
            assertThat(got).as(topic).hasSize(10);
            assertThat(got).allSatisfy(r -> assertThat(r.topic()).isEqualTo(topic));
        }
        assertThat(sink.state().written()).isEqualTo(30);
    }

    @Test
    void recordLargerThanMessageMaxBytesIsDroppedCountedAndDoesNotBlockTheRest() throws Exception {
        KafkaSink sink = new KafkaSink(spec("big-{service}", 100, Map.of()));
        SinkBuffer buf = buffer(1000);
        Mono<Void> done = sink.write(buf.flux()).cache();
        done.subscribe();
        int n = 40;
        StringBuilder huge = new StringBuilder();
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        while (huge.length() < 3 * MESSAGE_MAX_BYTES) { // random letters: zstd cannot shrink it below the limit
            huge.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        for (int i = 1; i <= n; i++) {
            buf.offer(record(i, "app", i == 20 ? huge.toString() : "line " + i));
        }
        buf.close();
        done.block(Duration.ofSeconds(60));

        List<ConsumerRecord<String, String>> got = readAll(List.of("big-app"), n - 1);
        List<Long> cursors = got.stream().map(r -> json(r).get("cursor").asLong()).toList();
        List<Long> expected = new ArrayList<>();
        for (long i = 1; i <= n; i++) {
            if (i != 20) {
                expected.add(i);
            }
        }
        assertThat(cursors).containsExactlyElementsOf(expected);
        SinkState st = sink.state();
        assertThat(st.dropped()).isEqualTo(1);
        assertThat(st.written()).isEqualTo(n - 1);
        assertThat(st.lastError()).contains("record 20").contains("big-app").contains("RecordTooLarge");
        // the drop is announced by a gap record on the gap record's own topic
        List<ConsumerRecord<String, String>> gaps = readAll(List.of("big-logrouter"), 1);
        assertThat(gaps).hasSize(1);
        assertThat(json(gaps.get(0)).get("msg").asText()).contains("lost 1 records").contains("kafka sink k");
    }

    @Test
    void saslPlainAuthenticatesAndAWrongPasswordKeepsRecordsWaiting() throws Exception {
        EncoderSpec enc = TestSpecs.encoder(Format.JSON_LINES, FieldSet.TALOS, Map.of(), null, true, null, Framing.LF);
        KafkaSink good = new KafkaSink(TestSpecs.kafka("k", List.of(broker.saslBootstrap()), "sasl-{service}", null,
                enc, null, null, 0, 0, null, 0, null,
                new KafkaSinkSpec.Sasl("PLAIN", KafkaBroker.SASL_USER, KafkaBroker.SASL_PASSWORD), Map.of()));
        SinkBuffer buf = buffer(1000);
        Mono<Void> done = good.write(buf.flux()).cache();
        done.subscribe();
        for (int i = 1; i <= 20; i++) {
            buf.offer(record(i, "app", "line " + i));
        }
        buf.close();
        done.block(Duration.ofSeconds(60));
        assertThat(readAll(List.of("sasl-app"), 20)).hasSize(20);
        assertThat(good.state().written()).isEqualTo(20);

        KafkaSink bad = new KafkaSink(TestSpecs.kafka("k", List.of(broker.saslBootstrap()), "sasl-{service}", null,
                enc, null, null, 0, 0, null, 0, null,
                new KafkaSinkSpec.Sasl("PLAIN", KafkaBroker.SASL_USER, "wrong"), Map.of()));
        SinkBuffer badBuf = buffer(1000);
        var running = bad.write(badBuf.flux()).subscribe(); // not cached: disposing it cancels the sink
        for (int i = 21; i <= 30; i++) {
            badBuf.offer(record(i, "app", "line " + i));
        }
        await(() -> bad.state().lastError() != null && bad.state().lastError().contains("Authentication"),
                Duration.ofSeconds(30), "the authentication failure");
        // not dropped: the records wait to be sent again
        assertThat(bad.state().connection()).isEqualTo("down");
        assertThat(bad.state().dropped()).isZero();
        assertThat(bad.inFlight()).isEqualTo(10);
        running.dispose();
        await(() -> bad.state().connection().equals("stopped"), Duration.ofSeconds(30), "the stop");
        assertThat(bad.state().dropped()).as("abandoned at the forced stop, counted").isEqualTo(10);
    }

    @Test
    void brokerDownWhenTheSinkStartsThenRecordsWaitInTheBuffer() throws Exception {
        broker.kill();
        KafkaSink sink = new KafkaSink(spec("late-{service}", 50, Map.of()));
        SinkBuffer buf = buffer(10_000);
        Mono<Void> done = sink.write(buf.flux()).cache();
        done.subscribe();
        int n = 500;
        for (int i = 1; i <= n; i++) {
            buf.offer(record(i, "app", "line " + i));
        }
        // nothing acknowledged: the sink took at most max_in_flight, the rest waits in its buffer
        await(() -> sink.state().lastError() != null, Duration.ofSeconds(20), "a send to fail");
        assertThat(sink.state().connection()).isIn("connecting", "down");
        assertThat(sink.state().written()).isZero();
        assertThat(buf.depth()).isGreaterThanOrEqualTo(n - 50);
        assertThat(sink.inFlight()).isLessThanOrEqualTo(50);

        log("restarting broker");
        broker.start();
        log("broker restarted");
        await(() -> sink.state().written() == n, Duration.ofSeconds(60), "every record acknowledged");
        assertThat(sink.state().connection()).isEqualTo("up");
        buf.close();
        done.block(Duration.ofSeconds(30));
        List<ConsumerRecord<String, String>> got = readAll(List.of("late-app"), n);
        Set<Long> unique = new HashSet<>();
        got.forEach(r -> unique.add(json(r).get("cursor").asLong()));
        assertThat(unique).hasSize(n);
        assertThat(got.size() - unique.size()).isLessThanOrEqualTo((int) sink.state().resent());
        assertThat(sink.state().dropped()).isZero();
    }

    @Test
    void brokerStoppedTenSecondsMidStreamLosesNothingUncounted() throws Exception {
        KafkaSink sink = new KafkaSink(spec("outage-{service}", 1000, Map.of()));
        SinkBuffer buf = buffer(5000);
        Mono<Void> done = sink.write(buf.flux()).cache();
        done.subscribe();
        long i = 0;
        for (; i < 5000; i++) {
            buf.offer(record(i + 1, "app", "line " + (i + 1)));
        }
        await(() -> sink.state().written() > 1000, Duration.ofSeconds(30), "the first records acknowledged");
        broker.kill();
        // 10 s of records offered while the broker is down, about one per millisecond
        long downUntil = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < downUntil) {
            for (int k = 0; k < 20; k++) {
                i++;
                buf.offer(record(i, "app", "line " + i));
            }
            Thread.sleep(20); // kept: paces the source through the 10 s outage that is the scenario
        }
        long writtenWhileDown = sink.state().written();
        assertThat(sink.inFlight()).isLessThanOrEqualTo(1000);
        assertThat(buf.dropped()).as("the buffer applied when_full while the sink stopped requesting")
                .isGreaterThan(0);
        log("restarting broker");
        broker.start();
        log("broker restarted");
        for (int k = 0; k < 5000; k++) {
            i++;
            buf.offer(record(i, "app", "line " + i));
        }
        long produced = i;
        buf.close();
        done.block(Duration.ofSeconds(60));
        log("sink done");

        SinkState st = sink.state();
        assertThat(st.written()).isGreaterThan(writtenWhileDown);
        // written also counts the buffer's gap records, which go to their own topic
        List<ConsumerRecord<String, String>> got = readAll(List.of("outage-app"),
                produced - buf.dropped() - st.dropped());
        Set<Long> unique = new HashSet<>();
        long last = 0;
        for (ConsumerRecord<String, String> r : got) {
            long c = json(r).get("cursor").asLong();
            if (unique.add(c)) {
                assertThat(c).as("first copies in order").isGreaterThan(last);
                last = c;
            }
        }
        log("read back " + got.size() + " records, " + unique.size() + " unique; written " + st.written()
                + ", resent " + st.resent() + ", buffer dropped " + buf.dropped() + ", sink dropped " + st.dropped()
                + ", produced " + produced);
        long gapLost = readAll(List.of("outage-logrouter"), 1).stream()
                .mapToLong(r -> json(r).get("lost").asLong()).sum();
        assertThat(unique.size() + buf.dropped() + st.dropped()).isEqualTo(produced);
        assertThat(gapLost).isEqualTo(buf.dropped() + st.dropped());
        assertThat((long) (got.size() - unique.size())).isLessThanOrEqualTo(st.resent());
    }
}
