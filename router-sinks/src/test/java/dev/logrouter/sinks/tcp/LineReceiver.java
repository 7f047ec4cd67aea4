package dev.logrouter.sinks.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real newline-framed TCP receiver on 127.0.0.1 for tests: keeps every complete line, counts an
 * unterminated fragment left when a connection ends, can stop reading (zero window), can close idle
 * connections like Filebeat, and can be killed (connections reset) and restarted on the same port.
 */
final class LineReceiver implements AutoCloseable {

    private final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger fragments = new AtomicInteger();
    final AtomicInteger idleClosed = new AtomicInteger();
    private volatile ServerSocket server;
    private volatile int port;
    private volatile int idleCloseMillis;
    private volatile String rejectMarker;
    final AtomicInteger rejected = new AtomicInteger();
    private volatile CountDownLatch readGate = new CountDownLatch(0);
    private final int receiveBuffer;

    LineReceiver(int receiveBuffer) {
        this.receiveBuffer = receiveBuffer;
    }

    LineReceiver() {
        this(0);
    }

    /** Binds (port 0 = any free port, otherwise the previous one) and starts accepting. */
    LineReceiver start(int wantedPort) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), wantedPort), 50);
        server = s;
        port = s.getLocalPort();
        Thread t = new Thread(() -> acceptLoop(s), "receiver-accept");
        t.setDaemon(true);
        threads.add(t);
        t.start();
        return this;
    }

    int port() {
        return port;
    }

    /** Connections idle this long are closed in order (FIN), as Filebeat does after 300 s. */
    void idleClose(int millis) {
        idleCloseMillis = millis;
    }

    /**
     * A complete line containing {@code marker} makes the receiver reset the connection without
     * keeping it, as Filebeat drops a connection on a line above its {@code max_message_size}.
     */
    void rejectLinesContaining(String marker) {
        rejectMarker = marker;
    }

    /** Stops reading from connections (their receive windows fill) until {@link #resumeReading()}. */
    void pauseReading() {
        readGate = new CountDownLatch(1);
    }

    void resumeReading() {
        readGate.countDown();
    }

    List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    int lineCount() {
        return lines.size();
    }

    private void acceptLoop(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket c = s.accept();
                connections.incrementAndGet();
                sockets.add(c);
                Thread t = new Thread(() -> readLoop(c), "receiver-read");
                t.setDaemon(true);
                threads.add(t);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void readLoop(Socket c) {
        ByteArrayOutputStream partial = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        try (c) {
            if (idleCloseMillis > 0) {
                c.setSoTimeout(idleCloseMillis);
            }
            InputStream in = c.getInputStream();
            while (true) {
                try {
                    readGate.await();
                } catch (InterruptedException e) {
                    return;
                }
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException idle) {
                    if (partial.size() == 0) {
                        idleClosed.incrementAndGet();
                        return; // orderly close of an idle connection
                    }
                    continue;
                }
                if (n < 0) {
                    break;
                }
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        partial.write(buf, start, i - start);
                        String line = partial.toString(StandardCharsets.UTF_8);
                        String marker = rejectMarker;
                        if (marker != null && line.contains(marker)) {
                            rejected.incrementAndGet();
                            c.setSoLinger(true, 0);
                            return; // closing with linger 0: a reset
                        }
                        lines.add(line);
                        partial.reset();
                        start = i + 1;
                    }
                }
                partial.write(buf, start, n - start);
            }
        } catch (IOException e) {
            // reset or killed: what was not a complete line is counted below
        }
        if (partial.size() > 0) {
            fragments.incrementAndGet();
        }
    }

    /** Like a killed process: listening stops and open connections are reset. */
    void kill() throws IOException {
        ServerSocket s = server;
        if (s != null) {
            s.close();
        }
        for (Socket c : sockets) {
            try {
                c.setSoLinger(true, 0);
                c.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
        sockets.clear();
        readGate.countDown();
    }

    @Override
    public void close() throws IOException {
        kill();
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
