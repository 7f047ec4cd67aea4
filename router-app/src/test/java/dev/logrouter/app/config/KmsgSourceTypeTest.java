package dev.logrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logrouter.core.kmsg.KmsgFrom;
import dev.logrouter.core.kmsg.KmsgSource;
import dev.logrouter.core.kmsg.KmsgSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KmsgSourceTypeTest {

    @TempDir
    Path tmp;

    private ConfigLoader loader() {
        return new ConfigLoader(Map.of(ConfigLoader.RUNTIME_DIR_VARIABLE, tmp.toString()));
    }

    private static String config(String kmsgBlock) {
        return "sources:\n"
                + "  kernel:\n"
                + kmsgBlock
                + "sinks:\n"
                + "  console: { type: console }\n"
                + "routes:\n"
                + "  - to: [console]\n";
    }

    @Test
    void bindsEveryKey() throws Exception {
        RouterConfig c = loader().parse(config(
                "    type: kmsg\n"
                + "    path: /tmp/fixture.kmsg\n"
                + "    from: end\n"
                + "    state_file: kmsg.state\n"
                + "    state_interval: 5s\n"), "test.yaml");
        SourceDef def = c.sources().get(0);
        assertThat(def.type().type()).isEqualTo("kmsg");
        KmsgSource src = (KmsgSource) def.create(new RouterEnv(c.runtimeDir(), null));
        KmsgSpec spec = src.spec();
        assertThat(src.name()).isEqualTo("kernel");
        assertThat(src.type()).isEqualTo("kmsg");
        assertThat(spec.path()).isEqualTo(Path.of("/tmp/fixture.kmsg"));
        assertThat(spec.from()).isEqualTo(KmsgFrom.END);
        assertThat(spec.stateFile()).isEqualTo(c.runtimeDir().resolve("kmsg.state"));
        assertThat(spec.stateInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void defaultsToTheDeviceFromTheStart() throws Exception {
        RouterConfig c = loader().parse(config("    type: kmsg\n"), "test.yaml");
        KmsgSpec spec = ((KmsgSource) c.sources().get(0).create(new RouterEnv(c.runtimeDir(), null))).spec();
        assertThat(spec.path()).isEqualTo(Path.of("/dev/kmsg"));
        assertThat(spec.from()).isEqualTo(KmsgFrom.START);
        assertThat(spec.stateFile()).isNull();
        assertThat(spec.bufferSize()).isGreaterThanOrEqualTo(8192);
    }

    @Test
    void absoluteStateFileIsKept() throws Exception {
        RouterConfig c = loader().parse(config("    { type: kmsg, state_file: /var/lib/logrouter/kmsg.state }\n"),
                "test.yaml");
        KmsgSpec spec = ((KmsgSource) c.sources().get(0).create(new RouterEnv(c.runtimeDir(), null))).spec();
        assertThat(spec.stateFile()).isEqualTo(Path.of("/var/lib/logrouter/kmsg.state"));
    }

    @Test
    void badValuesAreReportedWithTheirPosition() {
        assertThatThrownBy(() -> loader().parse(config(
                "    type: kmsg\n"
                + "    from: middle\n"
                + "    statefile: x\n"), "bad.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad.yaml:4:11")
                .hasMessageContaining("unknown value 'middle'")
                .hasMessageContaining("bad.yaml:5:5")
                .hasMessageContaining("unknown key 'statefile'");
        assertThatThrownBy(() -> loader().parse(config("    { type: kmsg, state_interval: 0s }\n"), "bad.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("state_interval must be positive");
    }
}
