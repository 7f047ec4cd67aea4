package dev.logrouter.core.kmsg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.journal.JournalSpec;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.route.RouteSpec;
import dev.logrouter.core.router.Router;
import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.DeliveryAck;
import dev.logrouter.core.sink.LogSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Under a router the state file follows what the sinks delivered (issue 9, defect 3): a kernel
 * record still waiting behind a sink is never recorded as done, so a crash re-reads it.
 */
class KmsgDeliveryStateTest {

    @TempDir
    Path dir;

    /** Takes every record and confirms only when told to, like a TCP sink whose receiver is away. */
    static final class HeldSink implements LogSink {
        final List<LogRecord> got = new CopyOnWriteArrayList<>();
        volatile DeliveryAck ack;

        @Override
        public String name() {
            return "held";
        }

        @Override
        public String type() {
            return "held";
        }

        @Override
        public Mono<Void> write(Flux<LogRecord> records) {
            return write(records, DeliveryAck.NONE);
        }

        @Override
        public Mono<Void> write(Flux<LogRecord> records, DeliveryAck ack) {
            this.ack = ack;
            return records.doOnNext(got::add).then();
        }
    }

    private static void await(BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10s");
            }
            Thread.sleep(5);
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void theStateFileFollowsDeliveryNotWhatWasRead() throws Exception {
        Path state = dir.resolve("kmsg.state");
        FixtureDevice dev = FixtureDevice.blocking(1000);
        dev.writeSeq(1, 344);
        KmsgSpec spec = new KmsgSpec("kernel", Path.of("/fixture/kmsg"), KmsgFrom.START, state,
                Duration.ofMillis(20), 0, null, null);
        KmsgSource source = new KmsgSource(spec, () -> dev,
                () -> new BootClock(() -> 1_000_000_000L, () -> 0L, Duration.ofSeconds(60)), Schedulers.parallel());
        try (Router router = new Router(Journal.create(JournalSpec.DEFAULT))) {
            HeldSink sink = new HeldSink();
            Map<LogSink, BufferSpec> sinks = new LinkedHashMap<>();
            sinks.put(sink, BufferSpec.DEFAULT);
            router.startSinks(sinks, List.of(new RouteSpec(null, null, null, null, null, null, List.of("held"))));
            Router.SourceBinding b = router.attach(source);
            await(() -> sink.got.size() == 344);
            // every record was read and handed to the sink, none confirmed: several saves later the
            // state still says nothing (today's code saved seq=344 here)
            long saves = System.nanoTime() + Duration.ofMillis(200).toNanos();
            await(() -> System.nanoTime() > saves);
            assertThat(read(state)).doesNotContain("seq=");

            sink.ack.delivered(sink.got.get(99));
            await(() -> read(state).contains("seq=100\n"));
            sink.ack.delivered(sink.got.get(343));
            await(() -> read(state).contains("seq=344\n"));
            router.detach(b);
        }
    }
}
