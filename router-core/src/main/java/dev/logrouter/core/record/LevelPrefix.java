package dev.logrouter.core.record;

import java.util.Arrays;

/**
 * The {@code <N>} syslog-priority prefix that services write in front of a plain line to give it a
 * level: sd-daemon's {@code SD_ERR "<3>"}, systemd's {@code SyslogLevelPrefix=}. {@code N} is a
 * severity 0-7 or a whole priority {@code facility * 8 + severity} up to 191, in one to three digits;
 * the severity becomes the record's level and the prefix is cut from the message. Anything else
 * ({@code <html>}, {@code <1234>}, a prefix with nothing after it) leaves the line as it is.
 */
public final class LevelPrefix {

    /** The longest prefix, {@code <191>}. */
    private static final int MAX = 5;

    private LevelPrefix() {
    }

    /** Length of the prefix at the start of {@code line}, or 0 when it has none. */
    public static int length(CharSequence line) {
        return length(head(line), line.length());
    }

    /** The level the prefix of {@code line} gives, or {@code null} when it has none. */
    public static Level levelOf(CharSequence line) {
        byte[] head = head(line);
        int len = length(head, line.length());
        return len == 0 ? null : levelOf(head, len);
    }

    /** The prefix is ASCII: its first characters as bytes, anything else as a byte no prefix holds. */
    private static byte[] head(CharSequence line) {
        byte[] b = new byte[Math.min(MAX, line.length())];
        for (int i = 0; i < b.length; i++) {
            char c = line.charAt(i);
            b[i] = c < 0x80 ? (byte) c : 0;
        }
        return b;
    }

    /** Length of the prefix at the start of a line of {@code n} bytes that begins with {@code head}. */
    private static int length(byte[] head, int n) {
        if (n < 3 || head[0] != '<') {
            return 0;
        }
        int value = 0;
        int i = 1;
        while (i < n && i < MAX) {
            byte c = head[i];
            if (c == '>') {
                // "<>" has no number; a prefix must be followed by something (an empty line stays as it is)
                return i > 1 && value <= 191 && i + 1 < n ? i + 1 : 0;
            }
            if (c < '0' || c > '9') {
                return 0;
            }
            value = value * 10 + (c - '0');
            i++;
        }
        return 0;
    }

    private static Level levelOf(byte[] head, int len) {
        int value = 0;
        for (int i = 1; i < len - 1; i++) {
            value = value * 10 + (head[i] - '0');
        }
        return Level.ofCode(value & 7);
    }

    /**
     * {@code r} with the level of its message's prefix and the prefix cut from its message; {@code r}
     * itself when the message has none. Partial records after the first piece of a long line are not
     * given here by their readers: only the start of a line can carry a prefix. A message held as
     * UTF-8 stays so.
     */
    public static LogRecord apply(LogRecord r) {
        byte[] utf8 = r.msgUtf8();
        if (utf8 != null) {
            int len = length(utf8, utf8.length);
            if (len == 0) {
                return r;
            }
            LogRecord cut = LogRecord.ofUtf8(r.time(), r.source(), r.service(), r.stream(), levelOf(utf8, len),
                    Arrays.copyOfRange(utf8, len, utf8.length), r.fields(), r.kind());
            return r.cursor() == LogRecord.NO_CURSOR ? cut : cut.withCursor(r.cursor());
        }
        String msg = r.msg();
        byte[] head = head(msg);
        int len = length(head, msg.length());
        if (len == 0) {
            return r;
        }
        return new LogRecord(r.cursor(), r.time(), r.source(), r.service(), r.stream(), levelOf(head, len),
                msg.substring(len), r.fields(), r.kind());
    }
}
