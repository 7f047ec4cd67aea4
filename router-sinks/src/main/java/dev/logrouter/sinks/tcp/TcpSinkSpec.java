package dev.logrouter.sinks.tcp;

import dev.logrouter.sinks.encode.EncoderSpec;
import dev.logrouter.sinks.net.Endpoint;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one TCP sink. Every setting is given: the defaults are the config's
 * (docs/configuration.md).
 *
 * @param name          sink name
 * @param endpoint      {@code tcp://host:port/}
 * @param encoder       format
 * @param batchEvents   most records per write
 * @param flushInterval longest a record waits for its batch to fill before it is written
 * @param backoffMin    first reconnect delay
 * @param backoffMax    longest reconnect delay
 * @param connectTimeout connection attempt limit
 * @param writeTimeout  a write not taken by the receiver within this is a dead connection
 * @param resendBytes   bytes of the most recent records kept to re-send after a broken connection
 *                      (the config's default is {@link #defaultResendBytes()})
 * @param tls           TLS settings, or null for plain TCP
 */
public record TcpSinkSpec(String name, Endpoint endpoint, EncoderSpec encoder, int batchEvents,
                          Duration flushInterval, Duration backoffMin, Duration backoffMax,
                          Duration connectTimeout, Duration writeTimeout, long resendBytes, TlsSpec tls) {

    public TcpSinkSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(encoder, "encoder");
        if (batchEvents < 1) {
            throw new IllegalArgumentException("batch_events must be at least 1, was " + batchEvents);
        }
        if (resendBytes < 0) {
            throw new IllegalArgumentException("resend_bytes must not be negative, was " + resendBytes);
        }
        if (!positive(flushInterval, "flushInterval")) {
            throw new IllegalArgumentException("flush_interval must be positive");
        }
        if (!positive(backoffMin, "backoffMin") || backoffMin.compareTo(Objects.requireNonNull(backoffMax,
                "backoffMax")) > 0) {
            throw new IllegalArgumentException("reconnect backoff needs 0 < backoff_min <= backoff_max");
        }
        if (!positive(connectTimeout, "connectTimeout") || !positive(writeTimeout, "writeTimeout")) {
            throw new IllegalArgumentException("connect_timeout and write_timeout must be positive");
        }
    }

    private static boolean positive(Duration d, String name) {
        return Objects.requireNonNull(d, name).compareTo(Duration.ZERO) > 0;
    }

    /**
     * The default re-send window: enough to re-send everything a receiver on this host can hold
     * unread ({@link #receiveBufferBound()}) plus the sink's own send queue (at most 2 MiB: see
     * {@code TcpSink.sendBufferBytes}), and never less than 4 MiB: 34 MiB with a {@code tcp_rmem}
     * maximum of 32 MiB, 8 MiB with Linux's default of 6 MiB.
     */
    public static long defaultResendBytes() {
        return Math.max(4L << 20, receiveBufferBound() + (2L << 20));
    }

    /**
     * The most a TCP socket on this host can hold unread in its receive queue: the autotuning limit
     * ({@code net.ipv4.tcp_rmem} maximum) or twice {@code net.core.rmem_max} (the kernel doubles an
     * explicit {@code SO_RCVBUF}), whichever is larger; 6 MiB (Linux's default) when unreadable.
     */
    public static long receiveBufferBound() {
        long tcpRmemMax = readLastNumber(java.nio.file.Path.of("/proc/sys/net/ipv4/tcp_rmem"));
        long rmemMax = readLastNumber(java.nio.file.Path.of("/proc/sys/net/core/rmem_max"));
        long bound = Math.max(tcpRmemMax, rmemMax > 0 ? 2 * rmemMax : -1);
        return bound > 0 ? bound : 6L << 20;
    }

    private static long readLastNumber(java.nio.file.Path p) {
        // read as a stream: /proc files report size 0, and Files.readString trusts the size
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(p)) {
            String[] f = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim().split("\\s+");
            return Long.parseLong(f[f.length - 1]);
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }
}
