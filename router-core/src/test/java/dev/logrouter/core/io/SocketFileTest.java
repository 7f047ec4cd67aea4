package dev.logrouter.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

class SocketFileTest {

    @TempDir
    Path dir;

    private static AFUNIXDatagramChannel datagram(Path at) throws IOException {
        AFUNIXDatagramChannel ch = AFUNIXDatagramChannel.open();
        ch.bind(AFUNIXSocketAddress.of(at));
        return ch;
    }

    @Test
    void bindsUnderATemporaryNameWithTheModeThenRenames() throws Exception {
        Path path = dir.resolve("sub/log.sock");
        SocketFile file = new SocketFile(path, 0600);
        Path[] boundAt = new Path[1];
        try (AFUNIXDatagramChannel ch = file.bind(at -> {
            boundAt[0] = at;
            return datagram(at);
        })) {
            assertThat(boundAt[0]).isNotEqualTo(path);
            assertThat(boundAt[0].getParent()).isEqualTo(path.getParent());
            assertThat(Files.exists(boundAt[0])).isFalse();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-------");
            // the renamed file reaches the bound socket
            try (AFUNIXDatagramChannel client = AFUNIXDatagramChannel.open()) {
                client.send(ByteBuffer.wrap(new byte[] {'x'}), AFUNIXSocketAddress.of(path));
            }
            ByteBuffer got = ByteBuffer.allocate(8);
            ch.receive(got);
            assertThat(got.position()).isEqualTo(1);
        }
        file.remove();
        assertThat(Files.exists(path)).isFalse();
    }

    @Test
    void refusesALiveDatagramSocketOfAnotherProcessAndKeepsIt() throws Exception {
        Path path = dir.resolve("log.sock");
        try (AFUNIXDatagramChannel other = datagram(path)) {
            assertThatThrownBy(() -> new SocketFile(path, 0660).bind(SocketFileTest::datagram))
                    .isInstanceOf(FileAlreadyExistsException.class)
                    .hasMessageContaining("another process is serving this socket");
            assertThat(SocketFile.isServed(path)).isTrue();
        }
    }

    @Test
    void refusesALiveStreamSocket() throws Exception {
        Path path = dir.resolve("query.sock");
        try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            other.bind(UnixDomainSocketAddress.of(path));
            assertThatThrownBy(() -> new SocketFile(path, 0660).bind(SocketFileTest::datagram))
                    .hasMessageContaining("another process is serving this socket");
        }
    }

    @Test
    void replacesAStaleSocketFile() throws Exception {
        Path path = dir.resolve("log.sock");
        datagram(path).close();
        assertThat(Files.exists(path)).as("a closed socket leaves its file").isTrue();
        assertThat(SocketFile.isServed(path)).isFalse();
        SocketFile file = new SocketFile(path, 0660);
        try (AFUNIXDatagramChannel ch = file.bind(SocketFileTest::datagram)) {
            assertThat(SocketFile.isServed(path)).isTrue();
        }
        file.remove();
    }

    @Test
    void neverReplacesARegularFileOrADirectory() throws Exception {
        Path regular = Files.writeString(dir.resolve("notes.txt"), "keep me\n");
        assertThatThrownBy(() -> new SocketFile(regular, 0660).bind(SocketFileTest::datagram))
                .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("is not a socket");
        assertThat(Files.readString(regular)).isEqualTo("keep me\n");
        Path directory = Files.createDirectory(dir.resolve("d"));
        assertThatThrownBy(() -> new SocketFile(directory, 0660).bind(SocketFileTest::datagram))
                .hasMessageContaining("is a directory");
    }

    @Test
    void removesOnlyTheSocketItBound() throws Exception {
        Path path = dir.resolve("log.sock");
        SocketFile first = new SocketFile(path, 0660);
        first.bind(SocketFileTest::datagram).close();
        // a newer instance re-binds the (now stale) path; the old one must not delete the new socket
        SocketFile second = new SocketFile(path, 0660);
        try (AFUNIXDatagramChannel ch = second.bind(SocketFileTest::datagram)) {
            first.remove();
            assertThat(SocketFile.isServed(path)).isTrue();
        }
        second.remove();
        assertThat(Files.exists(path)).isFalse();
    }

    @Test
    void parsesOctalModes() {
        assertThat(SocketFile.parseMode("0660")).isEqualTo(0660);
        assertThat(SocketFile.parseMode("600")).isEqualTo(0600);
        assertThat(SocketFile.parseMode("0o666")).isEqualTo(0666);
        assertThatThrownBy(() -> SocketFile.parseMode("rw-")).hasMessageContaining("not an octal file mode");
        assertThatThrownBy(() -> SocketFile.parseMode("1777")).hasMessageContaining("beyond 0777");
    }
}
