package dev.logrouter.core.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class SinkCountersTest {

    @Test
    void everyRecordSettlesOnceWhateverBecameOfIt() {
        SinkCounters c = new SinkCounters();
        c.addWritten(5);
        c.addWrittenBytes(120);
        c.addDropped(1);
        c.encodeFailed("record 7: nested too deep");
        c.addSkipped();
        c.addUnsentGap();
        assertThat(c.settled()).isEqualTo(5 + 1 + 1 + 1 + 1);
        // two records and a gap record the kernel took turn out lost: still settled once
        c.retractWritten(2, 1);
        assertThat(c.settled()).isEqualTo(9);

        SinkState st = c.state();
        assertThat(st.written()).isEqualTo(2);
        assertThat(st.dropped()).isEqualTo(1 + 1 + 2);
        assertThat(st.droppedEncode()).isEqualTo(1);
        assertThat(st.skipped()).isEqualTo(1);
        assertThat(st.writtenBytes()).isEqualTo(120);
        assertThat(st.lastError()).isEqualTo("record 7: nested too deep");
        assertThat(st.connection()).isEqualTo("idle");
        assertThat(c.tracksSettlement()).isTrue();
    }

    @Test
    void theStateCarriesReconnectsResendsOwnCountersAndTheConnectionAsSeen() {
        SinkCounters c = new SinkCounters("idle", s -> s.equals("up") ? "down" : s);
        c.own().counter("acked", c::written);
        c.own().level("in_flight", () -> 4);
        c.connection("up");
        c.addReconnect();
        c.addResent(3);
        c.addWritten(2);
        c.error("broken pipe");
        c.error(null);

        SinkState st = c.state();
        assertThat(c.connection()).isEqualTo("up");
        assertThat(st.connection()).isEqualTo("down");
        assertThat(st.reconnects()).isEqualTo(1);
        assertThat(st.resent()).isEqualTo(3);
        assertThat(st.lastError()).isNull();
        assertThat(st.counters()).containsExactly(java.util.Map.entry("acked", 2L),
                java.util.Map.entry("in_flight", 4L));
    }

    @Test
    void aSinkThatCountsNothingReportsUpWithZerosAndNoSettlement() {
        SinkCounters c = SinkCounters.notCounted();
        assertThat(c.tracksSettlement()).isFalse();
        assertThat(c.state()).isEqualTo(new SinkState("up", 0, 0, 0, null, 0, 0, 0, 0, java.util.Map.of()));
        assertThat(SinkCounters.notCounted()).isNotSameAs(c);
        assertThat(new SinkCounters("up", UnaryOperator.identity()).state().connection()).isEqualTo("up");
    }
}
