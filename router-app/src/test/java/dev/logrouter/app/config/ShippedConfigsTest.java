package dev.logrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The configs shipped in {@code config/} carry what their headers promise. */
class ShippedConfigsTest {

    static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("config"))) {
            p = p.getParent();
        }
        return p;
    }

    @Test
    void filebeatConfigShipsServiceAndKernelRecordsToBothSinks() throws Exception {
        RouterConfig c = new ConfigLoader(Map.of("LOGROUTER_RUNTIME_DIR", "/tmp/lr-shipped"))
                .load(repo().resolve("config/filebeat.yaml"));
        assertThat(c.sources().stream().map(s -> s.type().type()).collect(Collectors.toSet()))
                .contains("fd_socket", "kmsg");
        assertThat(c.routes()).anySatisfy(r -> {
            assertThat(r.to()).contains("filebeat", "filebeat-udp");
            assertThat(r.from()).isNullOrEmpty();
        });
    }
}
