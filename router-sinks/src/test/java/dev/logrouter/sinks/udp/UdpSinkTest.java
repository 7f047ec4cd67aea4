package dev.logrouter.sinks.udp;

import dev.logrouter.sinks.testsupport.TestSpecs;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.sinks.encode.EncoderSpec;
import dev.logrouter.sinks.encode.FieldSet;
import dev.logrouter.sinks.encode.Format;
import dev.logrouter.sinks.encode.Framing;
import dev.logrouter.sinks.net.Endpoint;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

class UdpSinkTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static LogRecord record(long cursor, String msg) {
        return new LogRecord(cursor, LogRecord.now(), "src", "svc", "stdout", Level.INFO, msg, Map.of(),
                LogRecord.Kind.NORMAL);
    }

    @Test
    void oneJsonObjectPerDatagramAndOversizedRecordsAreShrunkNeverCut() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            receiver.setSoTimeout(2000);
            // room for the paced bursts (10 datagrams of up to 10 KiB) while a loaded machine
            // deschedules the reader: the default 208 KiB holds only a few such datagrams
            receiver.setReceiveBufferSize(4 << 20);
            EncoderSpec enc = TestSpecs.encoder(Format.JSON_LINES, FieldSet.TALOS, Map.of("cluster", "prod"), null, true,
                    null, Framing.LF);
            UdpSink sink = new UdpSink(TestSpecs.udp("u", new Endpoint("udp", "127.0.0.1", receiver.getLocalPort()),
                    enc, 0));
            List<LogRecord> sent = new ArrayList<>();
            int n = 300;
            for (int i = 1; i <= n; i++) {
                String msg;
                if (i % 3 == 0) {
                    msg = "big " + "é漢\uD83D\uDE00\n\"".repeat(4000); // multi-byte and escaped characters
                } else if (i % 3 == 1) {
                    msg = "x".repeat(30_000);
                } else {
                    msg = "small " + i;
                }
                sent.add(record(i, msg));
            }
            List<byte[]> got = new ArrayList<>();
            Thread reader = new Thread(() -> {
                byte[] buf = new byte[65536];
                while (got.size() < n) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        receiver.receive(p);
                    } catch (SocketTimeoutException e) {
                        return;
                    } catch (java.io.IOException e) {
                        return;
                    }
                    byte[] copy = new byte[p.getLength()];
                    System.arraycopy(p.getData(), 0, copy, 0, p.getLength());
                    synchronized (got) {
                        got.add(copy);
                    }
                }
            });
            reader.start();
            // paced in small groups so the loopback receive buffer never overflows
            Flux<LogRecord> paced = Flux.fromIterable(sent).buffer(10)
                    .delayElements(Duration.ofMillis(5)).flatMapIterable(l -> l);
            sink.write(paced).block(Duration.ofSeconds(30));
            reader.join(10_000);
            assertThat(got).hasSize(n);
            int truncatedSeen = 0;
            for (byte[] d : got) {
                assertThat(d.length).isLessThanOrEqualTo(TestSpecs.MAX_DATAGRAM);
                assertThat(d[d.length - 1]).isEqualTo((byte) '}');
                String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(d)).toString();
                JsonNode node = JSON.readTree(text);
                assertThat(node.get("cluster").asText()).isEqualTo("prod");
                long c = node.get("cursor").asLong();
                String original = sent.get((int) c - 1).msg();
                if (node.has("truncated")) {
                    truncatedSeen++;
                    assertThat(node.get("truncated").asBoolean()).isTrue();
                    assertThat(original).startsWith(node.get("msg").asText());
                    assertThat(d.length).isGreaterThan(TestSpecs.MAX_DATAGRAM - 200);
                } else {
                    assertThat(node.get("msg").asText()).isEqualTo(original);
                }
            }
            assertThat(truncatedSeen).isEqualTo(200);
            assertThat(sink.truncated()).isEqualTo(200);
            // produced == received; nothing dropped
            assertThat(sink.state().written()).isEqualTo(n);
            assertThat(sink.state().dropped()).isZero();
        }
    }

    /**
     * A message whose first half needs 6-byte escapes and whose second half is plain: the cut keeps
     * as much as fits (the datagram is within one character's cost of the limit), not a worst-case
     * or average-cost guess.
     */
    @Test
    void messageFullOfEscapesIsCutToTheLargestPrefixThatFits() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            receiver.setSoTimeout(5000);
            EncoderSpec enc = TestSpecs.encoder(Format.JSON_LINES, FieldSet.TALOS, Map.of(), null, true, null,
                    Framing.LF);
            int max = 10_240;
            UdpSink sink = new UdpSink(TestSpecs.udp("u", new Endpoint("udp", "127.0.0.1", receiver.getLocalPort()),
                    enc, max));
            String[] msgs = {
                "\u0001\"\\\n\t".repeat(1000) + "x".repeat(20_000),
                "\u0001".repeat(3000) + "\uD83D\uDE00".repeat(3000),
                "x".repeat(5000) + "\u0001".repeat(5000),
            };
            List<LogRecord> sent = new ArrayList<>();
            for (int i = 0; i < msgs.length; i++) {
                sent.add(record(i + 1, msgs[i]));
            }
            sink.write(Flux.fromIterable(sent)).block(java.time.Duration.ofSeconds(10));
            byte[] buf = new byte[65536];
            for (int i = 0; i < msgs.length; i++) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                receiver.receive(p);
                JsonNode n = JSON.readTree(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
                int c = n.get("cursor").asInt();
                String msg = n.get("msg").asText();
                assertThat(p.getLength()).as("datagram %d", c).isLessThanOrEqualTo(max)
                        // the next character (at most 6 bytes escaped) would not fit; Talos trims a
                        // cut that ends in whitespace ("\n\t": 4 bytes escaped), so allow for that too
                        .isGreaterThan(max - 6 - 4);
                assertThat(n.get("truncated").asBoolean()).isTrue();
                assertThat(msgs[c - 1]).startsWith(msg);
            }
            assertThat(sink.truncated()).isEqualTo(msgs.length);
            assertThat(sink.state().dropped()).isZero();
        }
    }

    @Test
    void recordThatCannotFitEvenWithEmptyMessageIsDroppedAndCounted() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            receiver.setSoTimeout(1000);
            EncoderSpec enc = TestSpecs.encoder(Format.JSON_LINES, FieldSet.TALOS, Map.of("tag", "t".repeat(400)), null,
                    false, null, Framing.LF);
            UdpSink sink = new UdpSink(TestSpecs.udp("u", new Endpoint("udp", "127.0.0.1", receiver.getLocalPort()),
                    enc, 256));
            sink.write(Flux.just(record(1, "hello"))).block(Duration.ofSeconds(5));
            assertThat(sink.state().dropped()).isEqualTo(1);
            assertThat(sink.state().written()).isZero();
            assertThat(sink.state().lastError()).contains("does not fit");
        }
    }

    @Test
    void maxDatagramIsValidated() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestSpecs.udp("u",
                new Endpoint("udp", "127.0.0.1", 9), null, 70_000)).hasMessageContaining("max_datagram");
    }
}
