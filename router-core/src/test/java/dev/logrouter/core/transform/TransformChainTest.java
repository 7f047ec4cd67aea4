package dev.logrouter.core.transform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class TransformChainTest {

    private static final long T = 1_767_323_045_123_456_789L;

    private static LogRecord rec(String service, String msg, Map<String, Object> fields) {
        return new LogRecord(LogRecord.NO_CURSOR, T, "fd", service, "stdout", Level.INFO, msg, fields,
                LogRecord.Kind.NORMAL);
    }

    private static TransformChain chain(TransformSpec... specs) {
        return TransformChain.compile(List.of(specs), "route 1");
    }

    @Test
    void parseJsonLiftsTalosKeysIntoTheRecord() {
        LogRecord out = chain(new TransformSpec.ParseJson()).apply(rec("web",
                "{\"level\":\"warning\",\"msg\":\"json warn\",\"user\":\"bob\",\"n\":42,\"ts\":1700000000.5,"
                        + "\"big\":12345678901234567890,\"o\":{\"a\":[1,null]}}", Map.of("memlogd_name", "web.out")));
        assertThat(out.msg()).isEqualTo("json warn");
        assertThat(out.level()).isEqualTo(Level.WARNING);
        assertThat(out.time()).isEqualTo(1_700_000_000_500_000_000L);
        assertThat(out.fields()).containsExactly(Map.entry("memlogd_name", "web.out"), Map.entry("user", "bob"),
                Map.entry("n", 42L), Map.entry("big", new BigInteger("12345678901234567890")),
                Map.entry("o", Map.of("a", java.util.Arrays.asList(1L, null))));
    }

    @Test
    void parseJsonErrRaisesTheLevelAndJoinsThePrefix() {
        LogRecord out = chain(new TransformSpec.ParseJson())
                .apply(rec("web", "  E0102 main.go:12] {\"msg\":\"dial\",\"err\":\"refused\"}  ", Map.of()));
        assertThat(out.msg()).isEqualTo("E0102 main.go:12] dial: refused");
        assertThat(out.level()).isEqualTo(Level.WARNING);
        assertThat(out.fields()).isEmpty();
    }

    @Test
    void parseJsonLeavesPlainLinesAndKernelRecordsAlone() {
        TransformChain c = chain(new TransformSpec.ParseJson());
        LogRecord plain = rec("web", "plain line", Map.of());
        assertThat(c.apply(plain)).isSameAs(plain);
        LogRecord kernel = new LogRecord(1, T, "kmsg", "kernel", "kernel", Level.INFO, " {\"a\":1} ", Map.of(),
                LogRecord.Kind.NORMAL);
        assertThat(c.apply(kernel)).isSameAs(kernel);
        assertThat(c.apply(rec("web", " padded ", Map.of())).msg()).isEqualTo("padded");
        assertThat(c.apply(rec("web", "broken {\"a\":", Map.of())).msg()).isEqualTo("broken {\"a\":");
    }

    /** A message held as UTF-8 (pipes, sockets) gives what the same message as text gives. */
    @Test
    void parseJsonAndSkipBlankTreatAMessageHeldAsBytesAsItsText() {
        String[] lines = {"plain line", "", "   ", "\t\r", "\u00a0", " \u3000 ", "\u00a0x", "x\u2028", "→ arrow ←",
            "  padded  ", "{\"msg\":\"j\",\"level\":\"error\",\"k\":1}", "pre {\"msg\":\"x\"}", "é{", "{"};
        for (TransformSpec spec : new TransformSpec[] {new TransformSpec.ParseJson(), new TransformSpec.SkipBlank()}) {
            for (String line : lines) {
                TransformChain text = chain(spec);
                TransformChain bytes = chain(spec);
                LogRecord t = rec("web", line, Map.of("peer", "::1"));
                LogRecord b = LogRecord.ofUtf8(T, "fd", "web", "stdout", Level.INFO,
                        line.getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of("peer", "::1"),
                        LogRecord.Kind.NORMAL);
                LogRecord fromText = text.apply(t);
                LogRecord fromBytes = bytes.apply(b);
                assertThat(fromBytes).as("%s of %s", spec, line).isEqualTo(fromText);
                if (fromText == t) {
                    assertThat(fromBytes).as("%s of %s passed on as it is", spec, line).isSameAs(b);
                }
            }
        }
    }

    @Test
    void parseJsonDropsBlankLinesAndCountsThem() {
        TransformChain c = chain(new TransformSpec.ParseJson());
        assertThat(c.apply(rec("web", "", Map.of()))).isNull();
        assertThat(c.apply(rec("web", " \t\r", Map.of()))).isNull();
        assertThat(c.blank()).isEqualTo(2);
    }

    @Test
    void fieldTransformsAddRenameDrop() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("pid", 12L);
        f.put("memlogd_name", "web.out");
        f.put("user", "bob");
        LogRecord out = chain(
                new TransformSpec.AddFields(Map.of("cluster", "prod")),
                new TransformSpec.RenameFields(Map.of("user", "user.name")),
                new TransformSpec.DropFields(List.of("memlogd_name", "absent")),
                new TransformSpec.Hostname())
                .apply(rec("web", "m", f));
        assertThat(out.fields()).containsEntry("cluster", "prod").containsEntry("user.name", "bob")
                .containsEntry("pid", 12L).containsEntry("hostname", TransformChain.localHostName())
                .doesNotContainKeys("memlogd_name", "user");
        assertThat(out.msg()).isEqualTo("m");
    }

    @Test
    void aRecordThatNeedsNoChangeIsPassedOnAsItIs() {
        LogRecord r = rec("web", "plain", Map.of("cluster", "prod"));
        TransformChain c = chain(new TransformSpec.ParseJson(), new TransformSpec.AddFields(Map.of("cluster", "prod")),
                new TransformSpec.RenameFields(Map.of("a", "b")), new TransformSpec.DropFields(List.of("x")));
        assertThat(c.apply(r)).isSameAs(r);
        assertThat(TransformChain.compile(List.of(), "none")).isSameAs(TransformChain.NONE);
        assertThat(TransformChain.NONE.apply(r)).isSameAs(r);
    }

    @Test
    void rateLimitDropsTheExcessAndSummarisesEachIntervalPerService() {
        TransformChain c = chain(new TransformSpec.RateLimit(TransformSpec.Per.SERVICE, 3, Duration.ofSeconds(1)));
        assertThat(c.needsStart()).isTrue();
        List<LogRecord> passed = new ArrayList<>();
        Sinks.Many<LogRecord> summaries = Sinks.many().unicast().onBackpressureBuffer();
        StepVerifier.withVirtualTime(() -> {
            Disposable ticks = c.start(Schedulers.parallel(), summaries::tryEmitNext);
            return summaries.asFlux().doFinally(s -> ticks.dispose());
        })
                .then(() -> {
                    for (int i = 0; i < 5; i++) {
                        offer(c, rec("web", "w" + i, Map.of()), passed);
                    }
                    for (int i = 0; i < 2; i++) {
                        offer(c, rec("db", "d" + i, Map.of()), passed);
                    }
                })
                .then(() -> assertThat(passed).extracting(LogRecord::msg).containsExactly("w0", "w1", "w2", "d0", "d1"))
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .assertNext(s -> {
                    assertThat(s.msg()).isEqualTo("rate limit: dropped 2 records from web");
                    assertThat(s.level()).isEqualTo(Level.WARNING);
                    assertThat(s.service()).isEqualTo("logrouter");
                    assertThat(s.fields()).containsEntry("dropped", 2L).containsEntry("service", "web")
                            .containsEntry("where", "route 1");
                })
                .then(() -> {
                    // a new window: the budget is back
                    for (int i = 5; i < 12; i++) {
                        offer(c, rec("web", "w" + i, Map.of()), passed);
                    }
                })
                .then(() -> assertThat(passed).hasSize(8))
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(s -> assertThat(s.msg()).isEqualTo("rate limit: dropped 4 records from web"))
                // a window that dropped nothing says nothing
                .expectNoEvent(Duration.ofSeconds(3))
                .thenCancel()
                .verify(Duration.ofSeconds(10));
        assertThat(c.dropped()).isEqualTo(6);
    }

    private static void offer(TransformChain c, LogRecord r, List<LogRecord> passed) {
        LogRecord out = c.apply(r);
        if (out != null) {
            passed.add(out);
        }
    }
}
