package dev.logrouter.sinks.udp;

import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.sink.LogSink;
import dev.logrouter.core.sink.SinkState;
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
 * shrunk by cutting its message (at a character boundary) and, for json_lines, marked
 * {@code "truncated": true}; it is never sent as a cut JSON object. Shrunk records are counted
 * ({@link #truncated()}); a record that does not fit even with an empty message is dropped and
 * counted. Backpressure: records are requested 256 at a time and sent on the thread that delivers
 * them (the sink buffer's worker); a datagram socket does not wait for the receiver, so the sink never
 * stalls and a receiver that is down or slow loses datagrams in the network, as UDP does. Nothing is
 * opened or requested before the {@link Mono} of {@link #write} is subscribed, and nothing is replayed.
 */
public final class UdpSink implements LogSink {

    private final UdpSinkSpec spec;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong writtenBytes = new AtomicLong();
    private final AtomicLong truncated = new AtomicLong();
    private volatile String connection = "idle";
    private volatile String lastError;

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
    public long writtenBytes() {
        return writtenBytes.get();
    }

    @Override
    public boolean tracksSettlement() {
        return true;
    }

    @Override
    public SinkState state() {
        return new SinkState(connection, written.get(), dropped.get(), 0, lastError);
    }

    @Override
    public Mono<Void> write(Flux<LogRecord> records) {
        return Mono.using(this::open, ch -> {
            RecordEncoder encoder = spec.encoder().newEncoder();
            EncodedBuffer buf = new EncodedBuffer(spec.maxDatagram() + 1024);
            InetSocketAddress to = new InetSocketAddress(spec.endpoint().host(), spec.endpoint().port());
            connection = "up";
            return records.limitRate(256).doOnNext(r -> send(ch, to, encoder, buf, r)).then();
        }, ch -> {
            connection = "closed";
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
            encoder.encode(r, buf);
            if (buf.size() > spec.maxDatagram() && !shrink(encoder, buf, r)) {
                dropped.incrementAndGet();
                lastError = "record " + r.cursor() + " does not fit in " + spec.maxDatagram() + " bytes";
                return;
            }
            ch.send(ByteBuffer.wrap(buf.array(), 0, buf.size()), to);
            written.incrementAndGet();
            writtenBytes.addAndGet(buf.size());
        } catch (IOException | RuntimeException e) {
            dropped.incrementAndGet();
            lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    /** Re-encodes {@code r} with a shorter message until it fits; false when even an empty one does not. */
    private boolean shrink(RecordEncoder encoder, EncodedBuffer buf, LogRecord r) {
        String msg = r.msg();
        int fullSize = buf.size();
        encodeShort(encoder, buf, r, "");
        int overhead = buf.size();
        if (overhead > spec.maxDatagram()) {
            return false;
        }
        // Characters encode to 1..6 bytes (escapes, multi-byte UTF-8): estimate the cut from the
        // message's own bytes per character, then step down until it fits.
        double bytesPerChar = (double) (fullSize - overhead) / msg.length();
        int keep = (int) Math.min(msg.length(), (spec.maxDatagram() - overhead) / bytesPerChar);
        while (true) {
            if (keep > 0 && Character.isHighSurrogate(msg.charAt(keep - 1))) {
                keep--;
            }
            encodeShort(encoder, buf, r, msg.substring(0, keep));
            if (buf.size() <= spec.maxDatagram()) {
                truncated.incrementAndGet();
                return true;
            }
            keep = keep - Math.max(1, (int) ((buf.size() - spec.maxDatagram()) / Math.max(1.0, bytesPerChar)) + 1);
            keep = Math.max(0, keep);
        }
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
