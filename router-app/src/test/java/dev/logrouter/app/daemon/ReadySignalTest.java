package dev.logrouter.app.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

class ReadySignalTest {

    @Test
    void readyWritesTheFileAndNotifiesSystemdThenStoppingUndoesIt(@TempDir Path dir) throws Exception {
        Path notify = dir.resolve("notify.sock");
        try (AFUNIXDatagramChannel systemd = AFUNIXDatagramChannel.open()) {
            systemd.bind(AFUNIXSocketAddress.of(notify));
            Path file = dir.resolve("sub/ready");
            ReadySignal s = new ReadySignal(Map.of("NOTIFY_SOCKET", notify.toString()), file);
            s.ready();
            assertThat(Files.readString(file)).isEqualTo(ProcessHandle.current().pid() + "\n");
            ByteBuffer got = ByteBuffer.allocate(256);
            systemd.receive(got);
            assertThat(new String(got.array(), 0, got.position(), StandardCharsets.UTF_8))
                    .startsWith("READY=1\nMAINPID=" + ProcessHandle.current().pid());
            s.stopping();
            assertThat(file).doesNotExist();
            got.clear();
            systemd.receive(got);
            assertThat(new String(got.array(), 0, got.position(), StandardCharsets.UTF_8)).isEqualTo("STOPPING=1\n");
        }
    }

    @Test
    void withoutNotifySocketOnlyTheFile(@TempDir Path dir) throws Exception {
        ReadySignal s = new ReadySignal(Map.of(), null);
        assertThat(s.notifySystemd("READY=1\n")).isFalse();
        s.ready(); // neither a file nor a socket: nothing to do, no failure
        assertThat(dir).isEmptyDirectory();
    }
}
