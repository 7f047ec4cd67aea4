package dev.logrouter.app.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Request lines found by fuzzing (QueryRequestFuzzTest) that were accepted with a broken meaning. */
class QueryRequestTest {

    @Test
    void sinceBeyondWhatEpochNanosHoldIsRefusedNotWrapped() {
        // 3143 wrapped around to a time in 1800: the filter let everything through
        assertThatThrownBy(() -> QueryRequest.parse("{\"since\":\"3143-07-02T19:22:51.5Z\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("since must be between 1677 and 2262, was '3143-07-02T19:22:51.5Z'");
        assertThatThrownBy(() -> QueryRequest.parse("{\"since\":\"1600-01-01T00:00:00Z\"}"))
                .isInstanceOf(IllegalArgumentException.class);
        QueryRequest ok = QueryRequest.parse("{\"since\":\"2262-01-01T00:00:00Z\"}");
        assertThat(QueryRequest.parse(ok.toJson())).isEqualTo(ok);
    }
}
