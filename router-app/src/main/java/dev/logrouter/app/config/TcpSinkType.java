package dev.logrouter.app.config;

import dev.logrouter.core.sink.LogSink;
import dev.logrouter.sinks.encode.EncoderSpec;
import dev.logrouter.sinks.encode.FieldSet;
import dev.logrouter.sinks.encode.Format;
import dev.logrouter.sinks.encode.Framing;
import dev.logrouter.sinks.net.Endpoint;
import dev.logrouter.sinks.tcp.TcpSink;
import dev.logrouter.sinks.tcp.TcpSinkSpec;
import dev.logrouter.sinks.tcp.TlsSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code type: tcp}: newline-framed records to a TCP (or TLS) receiver such as Filebeat. */
final class TcpSinkType implements SinkType<TcpSinkType.Config> {

    /**
     * @param endpoint       {@code tcp://host:port/} (required)
     * @param format         {@code json_lines} (default), {@code text}, {@code logread}, {@code rfc5424}
     * @param fields         json_lines keys: {@code talos} (default) or {@code ecs}
     * @param extraTags      keys added to every json_lines record, overriding others
     * @param host           host name put in records
     * @param includeCursor  add the journal cursor (json_lines talos) so duplicates can be recognised
     * @param facility       rfc5424 default facility (default {@code user})
     * @param framing        {@code lf} (default) or {@code octet_counted} (rfc5424 only)
     * @param batchEvents    most records per write (default 1024)
     * @param flushInterval  longest wait before a partial batch is written (default 20ms)
     * @param backoffMin     first reconnect delay (default 100ms)
     * @param backoffMax     longest reconnect delay (default 30s)
     * @param connectTimeout (default 5s)
     * @param writeTimeout   a receiver that takes nothing for this long gets a new connection (default 30s)
     * @param resendBytes    newest written bytes re-sent after a broken connection (default: what a
     *                       receiver on this host can hold unread plus the send queue, at least 4MiB)
     * @param tls            TLS block, absent for plain TCP
     * @param extraFields    json_lines talos: keys beyond Talos's own (cursor, stream, source, partial,
     *                       truncated, memlogd_name or a record field)
     */
    record Config(@Required String endpoint, Format format, FieldSet fields, Map<String, String> extraTags,
                  String host, Boolean includeCursor, String facility, Framing framing, Integer batchEvents,
                  Duration flushInterval, Duration backoffMin, Duration backoffMax, Duration connectTimeout,
                  Duration writeTimeout, ByteSize resendBytes, Tls tls, List<String> extraFields) {
        Config {
            if (endpoint != null) {
                Endpoint.parse(endpoint, "tcp");
            }
            if (batchEvents != null && batchEvents < 1) {
                throw new IllegalArgumentException("batch_events must be at least 1");
            }
            if (backoffMin != null && backoffMax != null && backoffMin.compareTo(backoffMax) > 0) {
                throw new IllegalArgumentException("backoff_min must not exceed backoff_max");
            }
            EncoderConfig.spec(format, Format.JSON_LINES, fields, extraTags, host, includeCursor, facility, framing,
                    extraFields);
        }
    }

    /**
     * @param ca     PEM CA file that signs the receiver's certificate (default: the JDK trust store)
     * @param cert   PEM client certificate (mutual TLS)
     * @param key    PEM PKCS#8 key of {@code cert}
     * @param verify check the receiver's certificate and host name (default true)
     */
    record Tls(Path ca, Path cert, Path key, Boolean verify) {
        Tls {
            if ((cert == null) != (key == null)) {
                throw new IllegalArgumentException("tls cert and key must be given together");
            }
            // found by `check`, not by the first connection attempt after start
            readable("ca", ca);
            readable("cert", cert);
            readable("key", key);
        }

        private static void readable(String what, Path file) {
            if (file == null) {
                return;
            }
            if (!java.nio.file.Files.exists(file)) {
                throw new IllegalArgumentException("tls " + what + " file " + file + " does not exist");
            }
            if (!java.nio.file.Files.isRegularFile(file) || !java.nio.file.Files.isReadable(file)) {
                throw new IllegalArgumentException("tls " + what + " file " + file + " is not a readable file");
            }
        }
    }

    @Override
    public String type() {
        return "tcp";
    }

    @Override
    public Class<Config> configClass() {
        return Config.class;
    }

    @Override
    public EncoderSpec encoding(Config c) {
        return EncoderConfig.spec(c.format(), Format.JSON_LINES, c.fields(), c.extraTags(), c.host(),
                c.includeCursor(), c.facility(), c.framing(), c.extraFields());
    }

    @Override
    public LogSink create(String name, Config c, RouterEnv env) {
        EncoderSpec enc = encoding(c);
        TlsSpec tls = c.tls() == null ? null
                : new TlsSpec(c.tls().ca(), c.tls().cert(), c.tls().key(), c.tls().verify() == null || c.tls().verify());
        return new TcpSink(new TcpSinkSpec(name, Endpoint.parse(c.endpoint(), "tcp"), enc,
                c.batchEvents() == null ? 0 : c.batchEvents(), c.flushInterval(), c.backoffMin(), c.backoffMax(),
                c.connectTimeout(), c.writeTimeout(), c.resendBytes() == null ? -1 : c.resendBytes().bytes(), tls));
    }
}
