package dev.logrouter.app.query;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** A plain blocking query-socket client with read timeouts, for tests. */
final class TestClient implements AutoCloseable {

    final AFUNIXSocket socket;
    final InputStream in;
    final OutputStream out;
    private BufferedReader reader;

    TestClient(Path path) throws IOException {
        socket = AFUNIXSocket.newInstance();
        socket.connect(AFUNIXSocketAddress.of(path.toFile()));
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    TestClient send(int... bytes) throws IOException {
        for (int b : bytes) {
            out.write(b);
        }
        out.flush();
        return this;
    }

    TestClient sendLine(String s) throws IOException {
        out.write((s + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return this;
    }

    /** Everything until the server closes. */
    byte[] readAll() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return b.toByteArray();
    }

    String readAllText() throws IOException {
        return new String(readAll(), StandardCharsets.UTF_8);
    }

    /** One line without its newline, or null at EOF. */
    String readLine() throws IOException {
        if (reader == null) {
            reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return reader.readLine();
    }

    List<String> readLines(int n) throws IOException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String l = readLine();
            if (l == null) {
                break;
            }
            out.add(l);
        }
        return out;
    }

    /** True when the server closed the connection (EOF) within the socket timeout. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
