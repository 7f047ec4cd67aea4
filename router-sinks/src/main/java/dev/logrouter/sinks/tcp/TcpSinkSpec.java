package dev.logrouter.sinks.tcp;

import dev.logrouter.sinks.encode.EncoderSpec;
import dev.logrouter.sinks.net.Endpoint;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one TCP sink; null arguments take the defaults shown.
 *
 * @param name          sink name
 * @param endpoint      {@code tcp://host:port/}
 * @param encoder       format (default json_lines, talos)
 * @param batchEvents   most records per write (default 1024)
 * @param flushInterval longest a record waits for its batch to fill before it is written (default 20ms)
 * @param backoffMin    first reconnect delay (default 100ms)
 * @param backoffMax    longest reconnect delay (default 30s)
 * @param connectTimeout connection attempt limit (default 5s)
 * @param writeTimeout  a write not taken by the receiver within this is a dead connection (default 30s)
 * @param resendBytes   bytes of the most recent records kept to re-send after a broken connection
 *                      (default 4 MiB, about what socket buffers can hold in flight)
 * @param tls           TLS settings, or null for plain TCP
 */
public record TcpSinkSpec(String name, Endpoint endpoint, EncoderSpec encoder, int batchEvents,
                          Duration flushInterval, Duration backoffMin, Duration backoffMax,
                          Duration connectTimeout, Duration writeTimeout, long resendBytes, TlsSpec tls) {

    public TcpSinkSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(endpoint, "endpoint");
        encoder = encoder == null ? EncoderSpec.jsonLines() : encoder;
        batchEvents = batchEvents <= 0 ? 1024 : batchEvents;
        flushInterval = flushInterval == null ? Duration.ofMillis(20) : flushInterval;
        backoffMin = backoffMin == null ? Duration.ofMillis(100) : backoffMin;
        backoffMax = backoffMax == null ? Duration.ofSeconds(30) : backoffMax;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        writeTimeout = writeTimeout == null ? Duration.ofSeconds(30) : writeTimeout;
        resendBytes = resendBytes < 0 ? 4L * 1024 * 1024 : resendBytes;
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("flush_interval must be positive");
        }
        if (backoffMin.isNegative() || backoffMin.isZero() || backoffMin.compareTo(backoffMax) > 0) {
            throw new IllegalArgumentException("reconnect backoff needs 0 < backoff_min <= backoff_max");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || writeTimeout.isNegative()
                || writeTimeout.isZero()) {
            throw new IllegalArgumentException("connect_timeout and write_timeout must be positive");
        }
    }

    /** Defaults for everything but name and endpoint. */
    public static TcpSinkSpec of(String name, Endpoint endpoint, EncoderSpec encoder) {
        return new TcpSinkSpec(name, endpoint, encoder, 0, null, null, null, null, null, -1, null);
    }
}
