package dev.logrouter.core.record;

/**
 * The {@code <N>} syslog-priority prefix that services write in front of a plain line to give it a
 * level: sd-daemon's {@code SD_ERR "<3>"}, systemd's {@code SyslogLevelPrefix=}. {@code N} is a
 * severity 0-7 or a whole priority {@code facility * 8 + severity} up to 191, in one to three digits;
 * the severity becomes the record's level and the prefix is cut from the message. Anything else
 * ({@code <html>}, {@code <1234>}, a prefix with nothing after it) leaves the line as it is.
 */
public final class LevelPrefix {

    private LevelPrefix() {
    }

    /** Length of the prefix at the start of {@code line}, or 0 when it has none. */
    public static int length(CharSequence line) {
        int n = line.length();
        if (n < 3 || line.charAt(0) != '<') {
            return 0;
        }
        int value = 0;
        int i = 1;
        while (i < n && i <= 4) {
            char c = line.charAt(i);
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

    /** The level the prefix of {@code line} gives, or {@code null} when it has none. */
    public static Level levelOf(CharSequence line) {
        int len = length(line);
        if (len == 0) {
            return null;
        }
        int value = 0;
        for (int i = 1; i < len - 1; i++) {
            value = value * 10 + (line.charAt(i) - '0');
        }
        return Level.ofCode(value & 7);
    }

    /**
     * {@code r} with the level of its message's prefix and the prefix cut from its message; {@code r}
     * itself when the message has none. Partial records after the first piece of a long line are not
     * given here by their readers: only the start of a line can carry a prefix.
     */
    public static LogRecord apply(LogRecord r) {
        String msg = r.msg();
        int len = length(msg);
        if (len == 0) {
            return r;
        }
        return new LogRecord(r.cursor(), r.time(), r.source(), r.service(), r.stream(), levelOf(msg),
                msg.substring(len), r.fields(), r.kind());
    }
}
