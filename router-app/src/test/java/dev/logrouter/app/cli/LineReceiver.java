package dev.logrouter.app.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** A real TCP receiver on loopback: accepts connections and hands every line to a consumer. */
final class LineReceiver implements AutoCloseable {

    private final ServerSocket server;
    private final Consumer<String> lines;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    final AtomicLong total = new AtomicLong();
    /** Connections accepted so far: a sender that reconnected shows up as more than one. */
    final AtomicLong accepted = new AtomicLong();

    LineReceiver(int port, Consumer<String> lines) throws IOException {
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        this.lines = lines;
        this.acceptor = new Thread(this::accept, "receiver-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A loopback port nobody listens on right now. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.incrementAndGet();
                open.add(s);
                Thread t = new Thread(() -> read(s), "receiver-read");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void read(Socket s) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                total.incrementAndGet();
                lines.accept(line);
            }
        } catch (IOException ignored) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : Collections.unmodifiableList(open)) {
            s.close();
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
