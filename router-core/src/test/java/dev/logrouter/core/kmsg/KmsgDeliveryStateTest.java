package dev.logrouter.core.kmsg;

import dev.logrouter.core.testsupport.TestSpecs;
import static dev.logrouter.core.testsupport.Conditions.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.journal.Journal;
import dev.logrouter.core.route.RouteSpec;
import dev.logrouter.core.router.Router;
import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.testsupport.CollectingSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Under a router the state file follows what the sinks delivered (issue 9, defect 3): a kernel
 * record still waiting behind a sink is never recorded as done, so a crash re-reads it.
 */
class KmsgDeliveryStateTest {

    @TempDir
    Path dir;


    /** Lets virtual time pass, a save interval per poll, until the state file says {@code expected}. */
    private static void awaitSaved(VirtualTimeScheduler saves, Path state, String expected) {
        Awaitility.await("state file saying " + expected.strip()).atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(5))
                .untilAsserted(() -> {
                    saves.advanceTimeBy(Duration.ofMillis(20));
                    assertThat(read(state)).contains(expected);
                });
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
        // the state-file saves run on virtual time, so the test decides when they have happened
        VirtualTimeScheduler saves = VirtualTimeScheduler.create();
        KmsgSpec spec = new KmsgSpec("kernel", Path.of("/fixture/kmsg"), KmsgFrom.START, state,
                Duration.ofMillis(20), 0, null, null);
        KmsgSource source = new KmsgSource(spec, () -> dev,
                () -> new BootClock(() -> 1_000_000_000L, () -> 0L, Duration.ofSeconds(60)), saves);
        try (Router router = new Router(Journal.create(TestSpecs.JOURNAL))) {
            CollectingSink sink = CollectingSink.confirming("held");
            Map<LogSink, BufferSpec> sinks = new LinkedHashMap<>();
            sinks.put(sink, TestSpecs.BUFFER);
            router.startSinks(sinks, List.of(new RouteSpec(null, null, null, null, null, null, List.of("held"))));
            Router.SourceBinding b = router.attach(source);
            await(() -> sink.got.size() == 344);
            // every record was read and handed to the sink, none confirmed: several saves later the
            // state still says nothing (today's code saved seq=344 here); advancing virtual time runs
            // the ten periodic saves in this thread before it returns
            saves.advanceTimeBy(Duration.ofMillis(200));
            assertThat(read(state)).doesNotContain("seq=");

            sink.confirmUpTo(99);
            awaitSaved(saves, state, "seq=100\n");
            sink.confirmUpTo(343);
            awaitSaved(saves, state, "seq=344\n");
            router.detach(b);
        }
    }
}
