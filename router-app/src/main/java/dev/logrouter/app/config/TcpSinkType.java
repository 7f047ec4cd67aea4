package dev.logrouter.app.config;

import dev.logrouter.core.sink.LogSink;
import dev.logrouter.sinks.net.Endpoint;
import dev.logrouter.sinks.tcp.TcpSink;
import dev.logrouter.sinks.tcp.TcpSinkSpec;
import dev.logrouter.sinks.tcp.TlsSpec;
import java.time.Duration;

/** {@code type: tcp}: newline-framed records to a TCP (or TLS) receiver such as Filebeat. */
@Doc(value = "Newline-framed records (or RFC 6587 octet counting) to a TCP or TLS receiver such as Filebeat, "
        + "Vector or rsyslog; re-sends what a broken connection may have lost.", see = "sinks.md#tcp")
public final class TcpSinkType implements SinkType<TcpSinkType.Config> {

    record Config(
            @Required @Doc("`tcp://host:port/` (as Talos writes it; IPv6 as `tcp://[::1]:5044/`)")
            String endpoint,
            @Block(inline = true)
            EncodingConfig encoding,
            @Default("1024") @Doc("most records per write")
            Integer batchEvents,
            @Default("20ms") @Doc("longest a record waits for its batch to fill")
            Duration flushInterval,
            @Block(inline = true, defaults = {"backoff_min=100ms", "backoff_max=30s"})
            BackoffConfig backoff,
            @Default("5s") @Doc("longest a connection attempt may take")
            Duration connectTimeout,
            @Default("30s") @Doc("a receiver that takes no bytes for this long gets its connection reset and a new one")
            Duration writeTimeout,
            @Doc(value = "newest written bytes kept to re-send after a broken connection",
                    absent = "what a receiver on this host can hold unread + 2MiB, at least 4MiB")
            ByteSize resendBytes,
            @Block(keys = {"ca", "cert", "key", "verify"}) @Doc(value = "TLS to the receiver", absent = "plain TCP")
            TlsConfig tls) {
        Config {
            if (endpoint != null) {
                Endpoint.parse(endpoint, "tcp");
            }
            if (batchEvents != null && batchEvents < 1) {
                throw new IllegalArgumentException("batch_events must be at least 1");
            }
        }
    }

    @Override
    public String type() {
        return "tcp";
    }

    @Override
    public LogSink create(String name, Config c, RouterEnv env) {
        TlsSpec tls = c.tls() == null ? null : new TlsSpec(c.tls().ca(), c.tls().cert(), c.tls().key(), c.tls().verify());
        return new TcpSink(new TcpSinkSpec(name, Endpoint.parse(c.endpoint(), "tcp"), c.encoding().spec(),
                c.batchEvents(), c.flushInterval(), c.backoff().backoffMin(), c.backoff().backoffMax(),
                c.connectTimeout(), c.writeTimeout(), c.resendBytes() == null ? TcpSinkSpec.defaultResendBytes() : c.resendBytes().bytes(), tls));
    }
}
