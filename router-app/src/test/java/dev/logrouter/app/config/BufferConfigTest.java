package dev.logrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.WhenFull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code buffer:} block: memory stays the default, {@code type: disk} binds into a disk spec. */
class BufferConfigTest {

    @TempDir
    Path dir;

    private RouterConfig parse(String yaml) throws ConfigException {
        return new ConfigLoader(Map.of(ConfigLoader.RUNTIME_DIR_VARIABLE, dir.toString())).parse(yaml, "t.yaml");
    }

    private BufferSpec buffer(String block) throws ConfigException {
        return parse("""
                sinks:
                  s: { type: tcp, endpoint: "tcp://127.0.0.1:5044/", buffer: %s }
                routes: [ { to: [s] } ]
                """.formatted(block)).sinks().get(0).buffer();
    }

    @Test
    void aDiskBufferBindsWithItsDefaults() throws Exception {
        BufferSpec b = buffer("{ type: disk, path: " + dir.resolve("spool") + " }");
        assertThat(b.isDisk()).isTrue();
        assertThat(b.disk().path()).isEqualTo(dir.resolve("spool"));
        assertThat(b.maxBytes()).isEqualTo(1L << 30);
        assertThat(b.disk().sync()).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.whenFull()).isEqualTo(WhenFull.DROP_OLDEST);
    }

    @Test
    void everyDiskKeyBinds() throws Exception {
        BufferSpec b = buffer("{ type: disk, path: " + dir + ", max_bytes: 256MiB, when_full: block, sync: 250ms }");
        assertThat(b.maxBytes()).isEqualTo(256L << 20);
        assertThat(b.whenFull()).isEqualTo(WhenFull.BLOCK);
        assertThat(b.disk().sync()).isEqualTo(Duration.ofMillis(250));
        assertThat(b.disk().segmentBytes()).isEqualTo(32L << 20);
    }

    @Test
    void memoryStaysTheDefault() throws Exception {
        BufferSpec b = buffer("{ max_events: 10, when_full: drop_newest }");
        assertThat(b.isDisk()).isFalse();
        assertThat(b.maxEvents()).isEqualTo(10);
        assertThat(buffer("{ type: memory }").isDisk()).isFalse();
    }

    @Test
    void theExampleInTheBuffersDocIsValid() throws Exception {
        String doc = java.nio.file.Files.readString(Path.of("..", "docs", "buffers.md"));
        int start = doc.indexOf("```yaml\n") + 8;
        String example = doc.substring(start, doc.indexOf("```", start));
        RouterConfig c = parse(example + "routes:\n  - to: [filebeat, console]\n");
        assertThat(c.sinks().get(0).buffer().isDisk()).isTrue();
        assertThat(c.sinks().get(0).buffer().disk().path()).isEqualTo(Path.of("/var/lib/logrouter/spool/filebeat"));
        assertThat(c.sinks().get(1).buffer().isDisk()).isFalse();
    }

    @Test
    void badDiskBuffersAreClearErrors() {
        assertThatThrownBy(() -> buffer("{ type: disk }")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("needs a path");
        assertThatThrownBy(() -> buffer("{ type: disk, path: spool }")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("absolute");
        assertThatThrownBy(() -> buffer("{ type: disk, path: /x, max_events: 5 }")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("max_events applies to memory");
        assertThatThrownBy(() -> buffer("{ path: /x }")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("type: disk");
        assertThatThrownBy(() -> buffer("{ type: tape }")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tape");
    }
}
