package dev.logrouter.sinks.udp;

import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.sink.SinkCounters;
import dev.logrouter.sinks.encode.EncodedBuffer;
import dev.logrouter.sinks.encode.JsonLinesEncoder;
import dev.logrouter.sinks.encode.RecordEncoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sends each record as one datagram (no newline), as Talos does for {@code udp://} destinations.
 *
 * <p>Size guard: a datagram is never larger than {@code max_datagram}. A record that would be is
 * shrunk to the longest prefix of its message (cut at a character boundary) that fits and, for json_lines, marked
 * {@code "truncated": true}; it is never sent as a cut JSON object. Shrunk records are counted
 * ({@link #truncated()}); a record that does not fit even with an empty message is dropped and
 * counted. Backpressure: records are requested 256 at a time and sent on the thread that delivers
 * them (the sink buffer's worker); a datagram socket does not wait for the receiver, so the sink never
 * stalls and a receiver that is down or slow loses datagrams in the network, as UDP does. Nothing is
 * opened or requested before the {@link Mono} of {@link #write} is subscribed, and nothing is replayed.
 */
public final class UdpSink implements LogSink {

    private final UdpSinkSpec spec;
    private final SinkCounters counters = new SinkCounters();
    private final AtomicLong truncated = counters.own().unlisted("truncated");

    public UdpSink(UdpSinkSpec spec) {
        this.spec = spec;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public String type() {
        return "udp";
    }

    /** Records sent shortened because they did not fit in {@code max_datagram}. */
    public long truncated() {
        return truncated.get();
    }

    @Override
    public SinkCounters counters() {
        return counters;
    }

    @Override
    public Mono<Void> write(Flux<LogRecord> records) {
        return Mono.using(this::open, ch -> {
            RecordEncoder encoder = spec.encoder().newEncoder();
            EncodedBuffer buf = new EncodedBuffer(spec.maxDatagram() + 1024);
            InetSocketAddress to = new InetSocketAddress(spec.endpoint().host(), spec.endpoint().port());
            counters.connection("up");
            return records.limitRate(256).doOnNext(r -> send(ch, to, encoder, buf, r)).then();
        }, ch -> {
            counters.connection("closed");
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing a datagram socket has nothing to flush
            }
        });
    }

    private DatagramChannel open() throws IOException {
        return DatagramChannel.open();
    }

    private void send(DatagramChannel ch, InetSocketAddress to, RecordEncoder encoder, EncodedBuffer buf,
                      LogRecord r) {
        buf.reset();
        try {
            try {
                encoder.encode(r, buf);
            } catch (RuntimeException bad) {
                counters.encodeFailed(RecordEncoder.failure(r, bad));
                return;
            }
            if (buf.size() > spec.maxDatagram() && !shrink(encoder, buf, r)) {
                counters.addDropped(1);
                counters.error("record " + r.cursor() + " does not fit in " + spec.maxDatagram() + " bytes");
                return;
            }
            ch.send(ByteBuffer.wrap(buf.array(), 0, buf.size()), to);
            counters.addWritten(1);
            counters.addWrittenBytes(buf.size());
        } catch (IOException | RuntimeException e) {
            counters.addDropped(1);
            counters.error(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * Re-encodes {@code r} with the longest prefix of its message that fits; false when even an empty
     * one does not. The encoded size grows with the prefix length, so a binary search over the
     * prefix finds the largest that fits whatever each character costs (1 byte, a 6-byte escape,
     * 4 bytes for a surrogate pair): about log2(max_datagram) encodings, no worst-case guess.
     */
    private boolean shrink(RecordEncoder encoder, EncodedBuffer buf, LogRecord r) {
        String msg = r.msg();
        int max = spec.maxDatagram();
        encodeShort(encoder, buf, r, "");
        int overhead = buf.size();
        if (overhead > max) {
            return false;
        }
        // Every char costs at least one byte, so no longer prefix can fit.
        int lo = 0;
        int hi = (int) Math.min(msg.length(), (long) max - overhead);
        while (lo < hi) {
            int mid = cut(msg, lo + (hi - lo + 1) / 2);
            if (mid <= lo) {
                // only a surrogate pair lies between lo and the midpoint: try the pair whole
                mid = Math.min(hi, lo + 2);
            }
            encodeShort(encoder, buf, r, msg.substring(0, mid));
            if (buf.size() <= max) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        encodeShort(encoder, buf, r, msg.substring(0, cut(msg, lo)));
        truncated.incrementAndGet();
        return true;
    }

    /** {@code n}, or one less when that would split a surrogate pair. */
    private static int cut(String msg, int n) {
        return n > 0 && n < msg.length() && Character.isHighSurrogate(msg.charAt(n - 1)) ? n - 1 : n;
    }

    private static void encodeShort(RecordEncoder encoder, EncodedBuffer buf, LogRecord r, String msg) {
        buf.reset();
        LogRecord shorter = r.withMsg(msg);
        if (encoder instanceof JsonLinesEncoder json) {
            json.encode(shorter, buf, true);
        } else {
            encoder.encode(shorter, buf);
        }
    }
}
