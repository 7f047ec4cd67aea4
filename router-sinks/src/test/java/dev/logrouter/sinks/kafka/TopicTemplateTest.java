package dev.logrouter.sinks.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import org.junit.jupiter.api.Test;

class TopicTemplateTest {

    private static LogRecord rec(String source, String service) {
        return LogRecord.of(1, source, service, "stdout", Level.INFO, "m");
    }

    @Test
    void expandsAndSanitisesToKafkaTopicRules() {
        TopicTemplate t = new TopicTemplate("logs-{source}.{service}");
        assertThat(t.topicOf(rec("node 1", "web/app"))).isEqualTo("logs-node_1.web_app");
        assertThat(t.topicOf(rec("n", "smörgås"))).isEqualTo("logs-n.sm_rg_s");
        assertThat(new TopicTemplate("{service}").topicOf(rec("s", "..")).length()).isEqualTo(2);
        assertThat(new TopicTemplate("{service}").topicOf(rec("s", ".."))).isEqualTo("__");
        assertThat(new TopicTemplate("{service}").topicOf(rec("s", "x".repeat(300)))).hasSize(249);
        assertThat(new TopicTemplate("fixed").topicOf(rec("a", "b"))).isEqualTo("fixed");
    }

    @Test
    void rejectsUnknownPlaceholdersAndIllegalConstantNames() {
        assertThatThrownBy(() -> new TopicTemplate("logs-{host}")).hasMessageContaining("{host}");
        assertThatThrownBy(() -> new TopicTemplate("logs-{service")).hasMessageContaining("unclosed");
        assertThatThrownBy(() -> new TopicTemplate("a b")).hasMessageContaining("legal Kafka topic");
        assertThatThrownBy(() -> new TopicTemplate("")).hasMessageContaining("empty");
    }
}
