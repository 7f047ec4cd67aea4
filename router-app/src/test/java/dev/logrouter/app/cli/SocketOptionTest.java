package dev.logrouter.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client commands find the socket of the daemon the systemd unit runs without {@code --socket}. */
class SocketOptionTest {

    @Test
    void withoutOptionsTheSystemdDaemonsSocketIsFoundWhenTheDefaultOneIsAbsent(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of("LOGROUTER_RUNTIME_DIR", dir.resolve("user").toString());
        Path run = Files.createDirectories(dir.resolve("run-logrouter"));
        Path etc = dir.resolve("logrouter.yaml");
        // nothing runs: the built-in default is reported
        assertThat(SocketOption.defaultSocket(env, etc, run)).isEqualTo(dir.resolve("user/query.sock"));
        // the unit's daemon with the packaged config: /run/logrouter/query.sock
        Files.createFile(run.resolve("query.sock"));
        assertThat(SocketOption.defaultSocket(env, etc, run)).isEqualTo(run.resolve("query.sock"));
        // a unit config naming another socket under the unit's runtime directory
        Files.writeString(etc, "query: { socket: \"${LOGROUTER_RUNTIME_DIR}/q2.sock\" }\n");
        Files.createFile(run.resolve("q2.sock"));
        assertThat(SocketOption.defaultSocket(env, etc, run)).isEqualTo(run.resolve("q2.sock"));
        // a user's own daemon wins
        Files.createDirectories(dir.resolve("user"));
        Files.createFile(dir.resolve("user/query.sock"));
        assertThat(SocketOption.defaultSocket(env, etc, run)).isEqualTo(dir.resolve("user/query.sock"));
    }

    @Test
    void writeFindsTheSystemdDaemonsLogSocket(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of();
        Path builtin = dir.resolve("user/log.sock");
        Path run = Files.createDirectories(dir.resolve("run-logrouter"));
        Path etc = dir.resolve("logrouter.yaml");
        assertThat(SocketOption.defaultLogSocket(env, builtin, etc, run)).isEqualTo(builtin);
        Files.createFile(run.resolve("log.sock"));
        assertThat(SocketOption.defaultLogSocket(env, builtin, etc, run)).isEqualTo(run.resolve("log.sock"));
        Files.writeString(etc, "sources:\n  s: { type: fd_socket, path: \"${LOGROUTER_RUNTIME_DIR}/other.sock\" }\n");
        Files.createFile(run.resolve("other.sock"));
        assertThat(SocketOption.defaultLogSocket(env, builtin, etc, run)).isEqualTo(run.resolve("other.sock"));
        Files.createDirectories(builtin.getParent());
        Files.createFile(builtin);
        assertThat(SocketOption.defaultLogSocket(env, builtin, etc, run)).isEqualTo(builtin);
    }
}
