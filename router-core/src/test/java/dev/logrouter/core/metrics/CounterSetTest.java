package dev.logrouter.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CounterSetTest {

    @Test
    void listsCountersAndLevelsInRegistrationOrderAndKeepsUnlistedOnesOut() {
        CounterSet c = new CounterSet();
        AtomicLong datagrams = c.counter("datagrams");
        AtomicLong open = new AtomicLong(3);
        c.level("fds_open", open::get);
        AtomicLong bytes = c.unlisted("bytes");
        c.counter("twice_datagrams", () -> 2 * datagrams.get());
        datagrams.addAndGet(5);
        bytes.addAndGet(100);

        assertThat(c.snapshot()).containsExactly(java.util.Map.entry("datagrams", 5L),
                java.util.Map.entry("fds_open", 3L), java.util.Map.entry("twice_datagrams", 10L));
        assertThat(c.levels()).containsExactly("fds_open");
        open.set(1);
        assertThat(c.snapshot()).containsEntry("fds_open", 1L);
        // one counter by name, listed or not, for tests and benchmarks in other packages
        assertThat(c.value("twice_datagrams")).isEqualTo(10);
        assertThat(c.value("fds_open")).isEqualTo(1);
        assertThat(c.value("bytes")).isEqualTo(100);
        assertThatThrownBy(() -> c.value("lines")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lines").hasMessageContaining("datagrams");
    }

    @Test
    void aNameIsRegisteredOnceAndNoneTakesNothing() {
        CounterSet c = new CounterSet();
        c.counter("connections");
        assertThatThrownBy(() -> c.counter("connections")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("connections");
        assertThatThrownBy(() -> c.unlisted("connections")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CounterSet.NONE.counter("x")).isInstanceOf(IllegalStateException.class);
        assertThat(CounterSet.NONE.snapshot()).isEmpty();
    }
}
