package dev.logrouter.core.record;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LevelPrefixTest {

    @Test
    void severityAndWholePriorityPrefixesGiveTheLevel() {
        assertThat(LevelPrefix.levelOf("<0>x")).isEqualTo(Level.EMERG);
        assertThat(LevelPrefix.levelOf("<3>x")).isEqualTo(Level.ERR);
        assertThat(LevelPrefix.levelOf("<7>x")).isEqualTo(Level.DEBUG);
        assertThat(LevelPrefix.levelOf("<28>x")).isEqualTo(Level.WARNING); // daemon.warning
        assertThat(LevelPrefix.levelOf("<191>x")).isEqualTo(Level.DEBUG);
        assertThat(LevelPrefix.length("<28>x")).isEqualTo(4);
    }

    @Test
    void anythingElseIsNoPrefix() {
        for (String s : new String[] {"", "<", "<>", "<3>", "<192>x", "<1234>x", "<html>", "< 3>x", "3>x", "x<3>y",
            "<-1>x"}) {
            assertThat(LevelPrefix.length(s)).as(s).isZero();
            assertThat(LevelPrefix.levelOf(s)).as(s).isNull();
        }
    }

    @Test
    void applyCutsThePrefixAndKeepsTheRest() {
        LogRecord r = LogRecord.of(1, "src", "svc", "stderr", Level.INFO, "<4>careful");
        LogRecord p = LevelPrefix.apply(r);
        assertThat(p.msg()).isEqualTo("careful");
        assertThat(p.level()).isEqualTo(Level.WARNING);
        assertThat(p.service()).isEqualTo("svc");
        LogRecord plain = LogRecord.of(1, "src", "svc", "stderr", Level.NOTICE, "no prefix");
        assertThat(LevelPrefix.apply(plain)).isSameAs(plain);
    }

    @Test
    void aMessageHeldAsBytesIsCutAndStaysBytes() {
        LogRecord r = LogRecord.ofUtf8(1, "src", "svc", "stderr", Level.INFO,
                "<3>broken → here".getBytes(java.nio.charset.StandardCharsets.UTF_8), java.util.Map.of(),
                LogRecord.Kind.NORMAL);
        LogRecord p = LevelPrefix.apply(r);
        assertThat(p.msgUtf8()).isNotNull();
        assertThat(p.msg()).isEqualTo("broken → here");
        assertThat(p.level()).isEqualTo(Level.ERR);
        for (String s : new String[] {"<3>", "<192>x", "<html>", "x<3>y", "→<3>x"}) {
            LogRecord plain = LogRecord.ofUtf8(1, "src", "svc", "stderr", Level.NOTICE,
                    s.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.util.Map.of(), LogRecord.Kind.NORMAL);
            assertThat(LevelPrefix.apply(plain)).as(s).isSameAs(plain);
        }
    }
}
