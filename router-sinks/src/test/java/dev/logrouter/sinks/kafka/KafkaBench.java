package dev.logrouter.sinks.kafka;

import dev.logrouter.sinks.testsupport.TestSpecs;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.SinkBuffer;
import dev.logrouter.core.sink.SinkState;
import dev.logrouter.core.sink.WhenFull;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * {@code bench/kafka}: lines/s and MiB/s through the Kafka sink into a real local broker (started
 * like the tests start it), once with {@code acks=all} and once with {@code acks=1}. Each run offers
 * {@code LINES} 100-byte lines to a blocking sink buffer and stops the clock when every record is
 * acknowledged; the topic's end offsets are then checked against the count.
 */
public final class KafkaBench {

    private KafkaBench() {
    }

    public static void main(String[] args) throws Exception {
        int lines = Integer.parseInt(System.getenv().getOrDefault("LINES", "500000"));
        Path dir = Files.createTempDirectory("kafka-bench");
        Scheduler scheduler = Schedulers.newBoundedElastic(2, 1000, "bench");
        try (KafkaBroker broker = new KafkaBroker(dir, 1024 * 1024)) {
            broker.start();
            System.out.println("broker up on " + broker.bootstrap() + "; nproc=" + Runtime.getRuntime()
                    .availableProcessors() + " lines=" + lines);
            for (String acks : List.of("all", "1")) { // warm-up (JIT), not reported
                run(broker, scheduler, acks, Math.min(lines, 50_000), true);
            }
            for (String acks : List.of("all", "1")) {
                run(broker, scheduler, acks, lines, false);
            }
        } finally {
            scheduler.dispose();
            deleteTree(dir);
        }
    }

    private static void run(KafkaBroker broker, Scheduler scheduler, String acks, int lines, boolean warmUp)
            throws Exception {
        String topic = "bench-" + (warmUp ? "warmup-" : "") + "acks-" + acks;
        KafkaSinkSpec spec = TestSpecs.kafka("bench", List.of(broker.bootstrap()), topic, null, null, acks, null, 0,
                0, null, 0, null, null, Map.of());
        KafkaSink sink = new KafkaSink(spec);
        SinkBuffer buf = new SinkBuffer("bench", new BufferSpec(100_000, 64L << 20, WhenFull.BLOCK), true, scheduler);
        Mono<Void> done = sink.write(buf.flux()).cache();
        done.subscribe();
        String filler = "x".repeat(90);
        long msgBytes = 0;
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long brokerCpu0 = broker.cpu().toNanos();
        long t0 = System.nanoTime();
        for (int i = 1; i <= lines; i++) {
            String msg = String.format("%08d %s", i, filler);
            msgBytes += msg.length() + 1;
            buf.offer(new LogRecord(i, LogRecord.now(), "bench", "app", "stdout", Level.INFO, msg, Map.of(),
                    LogRecord.Kind.NORMAL));
        }
        buf.close();
        done.block(Duration.ofMinutes(10));
        double secs = (System.nanoTime() - t0) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        double brokerCpu = (broker.cpu().toNanos() - brokerCpu0) / 1e9;
        SinkState st = sink.state();
        long inTopic = endOffsets(broker, topic);
        if (warmUp) {
            return;
        }
        System.out.printf("acks=%s: %d lines in %.2f s: %.0f lines/s, %.1f MiB/s of lines (json_lines records"
                        + " larger); CPU s: router side %.2f, broker %.2f; written=%d dropped=%d resent=%d,"
                        + " records in topic=%d%n", acks, lines, secs, lines / secs, msgBytes / secs / 1048576, cpu,
                brokerCpu, st.written(), st.dropped(), st.resent(), inTopic);
        if (st.written() != lines || inTopic < lines) {
            throw new IllegalStateException("records missing: written " + st.written() + ", in topic " + inTopic);
        }
    }

    private static long endOffsets(KafkaBroker broker, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo i : c.partitionsFor(topic, Duration.ofSeconds(10))) {
                parts.add(new TopicPartition(topic, i.partition()));
            }
            return c.endOffsets(parts, Duration.ofSeconds(10)).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
