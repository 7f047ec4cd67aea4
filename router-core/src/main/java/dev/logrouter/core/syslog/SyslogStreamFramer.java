package dev.logrouter.core.syslog;

import java.util.Arrays;

/**
 * Splits a syslog TCP stream into messages, per message either RFC 6587 octet counting
 * ({@code LEN SP MSG}) or LF framing; a message starting with a digit is octet-counted. A message
 * longer than the limit is cut there, marked truncated, and the rest of it is skipped and counted.
 * Not thread-safe: one per connection.
 */
final class SyslogStreamFramer {

    interface MessageConsumer {
        void accept(byte[] data, int off, int len, boolean truncated);
    }

    private enum State { START, LENGTH, COUNTED, LINE }

    private final int max;
    private final MessageConsumer consumer;
    private byte[] buf = new byte[256];
    private int len;
    private State state = State.START;
    private long remaining;
    private boolean truncated;
    private long dropped;

    SyslogStreamFramer(int maxMessageBytes, MessageConsumer consumer) {
        this.max = maxMessageBytes;
        this.consumer = consumer;
    }

    long droppedBytes() {
        return dropped;
    }

    void feed(byte[] d, int off, int n) {
        int i = off;
        int end = off + n;
        while (i < end) {
            byte b = d[i];
            switch (state) {
                case START:
                    if (b == '\n' || b == '\r' || b == 0 || b == ' ') {
                        i++;
                    } else if (b >= '1' && b <= '9') {
                        state = State.LENGTH;
                        remaining = 0;
                    } else {
                        state = State.LINE;
                    }
                    break;
                case LENGTH:
                    if (b >= '0' && b <= '9' && remaining < 100_000_000L) {
                        remaining = remaining * 10 + (b - '0');
                        append(b);
                        i++;
                    } else if (b == ' ' && remaining > 0) {
                        len = 0;
                        state = State.COUNTED;
                        i++;
                    } else {
                        // digits that were not a length: an LF-framed message starting with them
                        state = State.LINE;
                    }
                    break;
                case COUNTED: {
                    int take = (int) Math.min(remaining, end - i);
                    appendCapped(d, i, take);
                    i += take;
                    remaining -= take;
                    if (remaining == 0) {
                        emit();
                    }
                    break;
                }
                default: {
                    int nl = i;
                    while (nl < end && d[nl] != '\n') {
                        nl++;
                    }
                    appendCapped(d, i, nl - i);
                    if (nl < end) {
                        emit();
                        i = nl + 1;
                    } else {
                        i = end;
                    }
                    break;
                }
            }
        }
    }

    /** End of stream: an unterminated message is delivered (an incomplete counted one as truncated). */
    void finish() {
        if (state == State.COUNTED) {
            truncated = true;
            emit();
        } else if ((state == State.LINE || state == State.LENGTH) && len > 0) {
            emit();
        }
        state = State.START;
    }

    private void append(byte b) {
        appendCapped(new byte[] {b}, 0, 1);
    }

    private void appendCapped(byte[] d, int off, int n) {
        int room = max - len;
        int take = Math.min(room, n);
        if (take > 0) {
            if (len + take > buf.length) {
                buf = Arrays.copyOf(buf, Math.min(max, Math.max(len + take, buf.length * 2)));
            }
            System.arraycopy(d, off, buf, len, take);
            len += take;
        }
        if (n > take) {
            truncated = true;
            dropped += n - take;
        }
    }

    private void emit() {
        consumer.accept(buf, 0, len, truncated);
        len = 0;
        truncated = false;
        state = State.START;
        if (buf.length > 64 * 1024) {
            buf = new byte[256];
        }
    }
}
