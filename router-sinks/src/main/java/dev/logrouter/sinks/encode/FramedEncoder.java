package dev.logrouter.sinks.encode;

import dev.logrouter.core.record.LogRecord;

/**
 * An encoder plus stream framing: appends one complete frame per record, so a byte stream built from
 * frames can be cut only between records. Not thread-safe.
 */
public final class FramedEncoder {

    private final RecordEncoder encoder;
    private final Framing framing;
    private final EncodedBuffer scratch = new EncodedBuffer(1024);

    public FramedEncoder(RecordEncoder encoder, Framing framing) {
        this.encoder = encoder;
        this.framing = framing;
    }

    public RecordEncoder encoder() {
        return encoder;
    }

    /** Appends the framed record; returns the number of bytes appended. */
    public int append(LogRecord r, EncodedBuffer out) {
        int start = out.size();
        if (framing == Framing.LF) {
            encoder.encode(r, out);
            out.write('\n');
        } else {
            scratch.reset();
            encoder.encode(r, scratch);
            out.writeDecimal(scratch.size());
            out.write(' ');
            out.write(scratch.array(), 0, scratch.size());
        }
        return out.size() - start;
    }
}
