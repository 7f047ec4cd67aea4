package dev.logrouter.core.syslog;

import dev.logrouter.core.record.Facility;
import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses one syslog message into a record: RFC 5424 ({@code <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG}),
 * RFC 3164 ({@code <PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG}) and glibc's local form without host
 * ({@code <PRI>Mmm dd hh:mm:ss TAG[PID]: MSG}).
 *
 * <p>Record: {@code service} = app name / tag (else {@code syslog}), {@code stream} = {@code syslog},
 * {@code level} = severity, {@code time} = the message's timestamp (RFC 3164 times are local time of
 * this host, the year guessed so the time is not in the future), else the receive time. Fields in
 * order: {@code facility}, {@code host}, {@code app}, {@code pid}, {@code msgid}, then structured data
 * as {@code sd.<SD-ID>.<PARAM>}. A message that is not syslog (no {@code <PRI>}) is kept whole as the
 * message with a {@value FieldNames#PARSE_ERROR} field saying why. Thread-safe.
 */
final class SyslogParser {

    public static final String STREAM = "syslog";
    public static final String DEFAULT_SERVICE = "syslog";

    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};

    private final ZoneId zone;

    /** The last RFC 3164 timestamp converted; senders repeat the same second many times. */
    private record CachedTime(String text, long receivedHour, long epochNanos) {
    }

    private volatile CachedTime lastTime = new CachedTime("", -1, 0);

    public SyslogParser() {
        this(ZoneId.systemDefault());
    }

    /** @param zone the zone RFC 3164 timestamps are read in */
    public SyslogParser(ZoneId zone) {
        this.zone = zone;
    }

    /** Result of a parse: the record and whether it was well-formed. */
    public record Parsed(LogRecord record, boolean ok) {
    }

    /**
     * @param data        the message bytes (one datagram or one framed message)
     * @param received    receive time, epoch nanoseconds
     * @param sourceName  config name of the source
     * @param truncated   the message was cut at the size limit (adds field {@value FieldNames#TRUNCATED})
     */
    public Parsed parse(byte[] data, int off, int len, long received, String sourceName, boolean truncated) {
        int end = off + len;
        // trailing newline(s) and NULs that some clients append
        while (end > off && (data[end - 1] == '\n' || data[end - 1] == '\r' || data[end - 1] == 0)) {
            end--;
        }
        String text = new String(data, off, end - off, StandardCharsets.UTF_8);
        Map<String, Object> fields = new LinkedHashMap<>();
        Parsed p;
        try {
            p = parseText(text, received, sourceName, fields, truncated);
        } catch (RuntimeException e) {
            p = null;
        }
        if (p == null) {
            fields.clear();
            fields.put(FieldNames.PARSE_ERROR, describeError(text));
            if (truncated) {
                fields.put(FieldNames.TRUNCATED, true);
            }
            return new Parsed(new LogRecord(LogRecord.NO_CURSOR, received, sourceName, DEFAULT_SERVICE, STREAM,
                    Level.NOTICE, text, Collections.unmodifiableMap(fields), LogRecord.Kind.NORMAL), false);
        }
        return p;
    }

    public Parsed parse(byte[] data, long received, String sourceName) {
        return parse(data, 0, data.length, received, sourceName, false);
    }

    private static String describeError(String text) {
        if (text.isEmpty()) {
            return "empty message";
        }
        if (text.charAt(0) != '<') {
            return "no <PRI> at the start";
        }
        return "malformed <PRI> (expected <0> .. <191>)";
    }

    private Parsed parseText(String s, long received, String sourceName, Map<String, Object> fields, boolean truncated) {
        if (s.length() < 3 || s.charAt(0) != '<') {
            return null;
        }
        int close = s.indexOf('>');
        if (close < 2 || close > 4) {
            return null;
        }
        int pri = 0;
        for (int i = 1; i < close; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            pri = pri * 10 + (c - '0');
        }
        if (pri > 191) {
            return null;
        }
        int severity = pri & 7;
        int facility = pri >> 3;
        fields.put(FieldNames.FACILITY, Facility.labelOf(facility));
        int pos = close + 1;
        Cursor cur = new Cursor(s, pos);
        long time;
        String app;
        String msg;
        if (s.startsWith("1 ", pos)) {
            cur.pos = pos + 2;
            String ts = cur.token();
            String host = nil(cur.token());
            app = nil(cur.token());
            String procid = nil(cur.token());
            String msgid = nil(cur.token());
            Long t = ts == null || ts.equals("-") ? null : parse3339(ts);
            if (ts != null && !ts.equals("-") && t == null) {
                fields.put(FieldNames.PARSE_ERROR, "bad RFC 5424 timestamp '" + ts + "'");
            }
            time = t == null ? received : t;
            put(fields, "host", host);
            put(fields, "app", app);
            putPid(fields, procid);
            put(fields, "msgid", msgid);
            if (!parseStructuredData(cur, fields)) {
                fields.put(FieldNames.PARSE_ERROR, "malformed RFC 5424 structured data");
                msg = s.substring(Math.min(cur.pos, s.length()));
            } else {
                if (cur.pos < s.length() && s.charAt(cur.pos) == ' ') {
                    cur.pos++;
                }
                msg = s.substring(Math.min(cur.pos, s.length()));
                if (msg.startsWith("\uFEFF")) {
                    msg = msg.substring(1);
                }
            }
        } else {
            Long t = parse3164Time(cur, received);
            time = t == null ? received : t;
            String host = null;
            int save = cur.pos;
            String first = cur.peekToken();
            if (first != null && !isTag(first)) {
                // "host tag[pid]: msg" unless the token is all there is (a bare message word)
                String rest = s.substring(Math.min(save + first.length() + 1, s.length()));
                int sp = rest.indexOf(' ');
                String second = sp < 0 ? rest : rest.substring(0, sp);
                if (isTag(second)) {
                    host = first;
                    cur.pos = save + first.length() + 1;
                }
            }
            String tagToken = cur.peekToken();
            app = null;
            String pid = null;
            if (tagToken != null && isTag(tagToken)) {
                cur.pos += tagToken.length();
                String tag = tagToken.substring(0, tagToken.length() - 1);
                int br = tag.indexOf('[');
                if (br >= 0) {
                    pid = tag.substring(br + 1, tag.length() - 1);
                    tag = tag.substring(0, br);
                }
                app = tag;
                if (cur.pos < s.length() && s.charAt(cur.pos) == ' ') {
                    cur.pos++;
                }
            }
            put(fields, "host", host);
            put(fields, "app", app);
            putPid(fields, pid);
            msg = s.substring(Math.min(cur.pos, s.length()));
        }
        if (truncated) {
            fields.put(FieldNames.TRUNCATED, true);
        }
        String service = app == null || app.isEmpty() ? DEFAULT_SERVICE : app;
        boolean ok = !fields.containsKey(FieldNames.PARSE_ERROR);
        return new Parsed(new LogRecord(LogRecord.NO_CURSOR, time, sourceName, service, STREAM, Level.ofCode(severity),
                msg, Collections.unmodifiableMap(fields), LogRecord.Kind.NORMAL), ok);
    }

    /** {@code tag:} or {@code tag[pid]:}, tag without spaces. */
    static boolean isTag(String token) {
        int n = token.length();
        if (n < 2 || token.charAt(n - 1) != ':') {
            return false;
        }
        int br = token.indexOf('[');
        if (br < 0) {
            return token.indexOf(']') < 0 && n - 1 <= 128;
        }
        return br > 0 && token.charAt(n - 2) == ']' && token.indexOf(']') == n - 2;
    }

    private static String nil(String token) {
        return token == null || token.equals("-") ? null : token;
    }

    private static void put(Map<String, Object> fields, String key, String value) {
        if (value != null && !value.isEmpty()) {
            fields.put(key, value);
        }
    }

    private static void putPid(Map<String, Object> fields, String pid) {
        if (pid == null || pid.isEmpty()) {
            return;
        }
        if (pid.length() <= 18 && pid.chars().allMatch(c -> c >= '0' && c <= '9')) {
            fields.put("pid", Long.parseLong(pid));
        } else {
            fields.put("pid", pid);
        }
    }

    /** Epoch nanoseconds, or null when not RFC 3339 or outside what they can hold (years 1677 to 2262). */
    private static Long parse3339(String ts) {
        try {
            OffsetDateTime t = OffsetDateTime.parse(ts, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            return Math.addExact(Math.multiplyExact(t.toEpochSecond(), 1_000_000_000L), t.getNano());
        } catch (DateTimeException | ArithmeticException e) {
            return null;
        }
    }

    /** {@code Mmm dd hh:mm:ss } (day space-padded) or an RFC 3339 timestamp; advances past it. */
    private Long parse3164Time(Cursor cur, long received) {
        String s = cur.s;
        int p = cur.pos;
        if (s.length() >= p + 16 && s.charAt(p + 3) == ' ' && s.charAt(p + 15) == ' ' && s.charAt(p + 9) == ':') {
            int month = -1;
            for (int i = 0; i < 12; i++) {
                if (s.startsWith(MONTHS[i], p)) {
                    month = i + 1;
                }
            }
            String text = s.substring(p, p + 15);
            long hour = received / 3_600_000_000_000L;
            CachedTime cached = lastTime;
            if (month > 0 && cached.receivedHour() == hour && cached.text().equals(text)) {
                cur.pos = p + 16;
                return cached.epochNanos();
            }
            if (month > 0) {
                try {
                    int day = Integer.parseInt(s.substring(p + 4, p + 6).trim());
                    int hh = Integer.parseInt(s.substring(p + 7, p + 9));
                    int mm = Integer.parseInt(s.substring(p + 10, p + 12));
                    int ss = Integer.parseInt(s.substring(p + 13, p + 15));
                    ZonedDateTime now = java.time.Instant.ofEpochSecond(received / 1_000_000_000L).atZone(zone);
                    ZonedDateTime t = LocalDateTime.of(now.getYear(), month, day, hh, mm, ss).atZone(zone);
                    if (t.isAfter(now.plusDays(1))) {
                        // December messages read in January
                        t = t.minusYears(1);
                    }
                    cur.pos = p + 16;
                    long nanos = t.toEpochSecond() * 1_000_000_000L;
                    lastTime = new CachedTime(text, hour, nanos);
                    return nanos;
                } catch (NumberFormatException | DateTimeException e) {
                    return null;
                }
            }
        }
        if (s.length() > p + 10 && Character.isDigit(s.charAt(p)) && s.charAt(p + 4) == '-') {
            String tok = cur.peekToken();
            Long t = tok == null ? null : parse3339(tok);
            if (t != null) {
                cur.pos = p + tok.length();
                if (cur.pos < s.length() && s.charAt(cur.pos) == ' ') {
                    cur.pos++;
                }
                return t;
            }
        }
        return null;
    }

    /** Parses {@code -} or {@code [id k="v" ...][...]} into fields; false when malformed. */
    private static boolean parseStructuredData(Cursor cur, Map<String, Object> fields) {
        String s = cur.s;
        if (cur.pos >= s.length()) {
            return true;
        }
        if (s.charAt(cur.pos) == '-') {
            cur.pos++;
            return true;
        }
        if (s.charAt(cur.pos) != '[') {
            return false;
        }
        while (cur.pos < s.length() && s.charAt(cur.pos) == '[') {
            int i = cur.pos + 1;
            int idStart = i;
            while (i < s.length() && s.charAt(i) != ' ' && s.charAt(i) != ']') {
                i++;
            }
            if (i >= s.length() || i == idStart) {
                return false;
            }
            String id = s.substring(idStart, i);
            while (i < s.length() && s.charAt(i) == ' ') {
                i++;
                int nameStart = i;
                while (i < s.length() && s.charAt(i) != '=' && s.charAt(i) != ' ' && s.charAt(i) != ']') {
                    i++;
                }
                if (i + 1 >= s.length() || s.charAt(i) != '=' || s.charAt(i + 1) != '"') {
                    return false;
                }
                String name = s.substring(nameStart, i);
                i += 2;
                StringBuilder v = new StringBuilder();
                while (i < s.length() && s.charAt(i) != '"') {
                    char c = s.charAt(i);
                    if (c == '\\' && i + 1 < s.length() && "\"\\]".indexOf(s.charAt(i + 1)) >= 0) {
                        v.append(s.charAt(i + 1));
                        i += 2;
                    } else {
                        v.append(c);
                        i++;
                    }
                }
                if (i >= s.length()) {
                    return false;
                }
                i++;
                fields.put("sd." + id + "." + name, v.toString());
            }
            if (i >= s.length() || s.charAt(i) != ']') {
                return false;
            }
            if (!fields.containsKey("sd." + id) && fields.keySet().stream().noneMatch(k -> k.startsWith("sd." + id + "."))) {
                // an SD element without parameters is still worth keeping
                fields.put("sd." + id, true);
            }
            cur.pos = i + 1;
        }
        return true;
    }

    /** Position in the message, splitting on single spaces. */
    private static final class Cursor {
        final String s;
        int pos;

        Cursor(String s, int pos) {
            this.s = s;
            this.pos = pos;
        }

        /** The next space-delimited token; advances past it and one space. */
        String token() {
            if (pos >= s.length()) {
                return null;
            }
            int sp = s.indexOf(' ', pos);
            String t = sp < 0 ? s.substring(pos) : s.substring(pos, sp);
            pos = sp < 0 ? s.length() : sp + 1;
            return t;
        }

        String peekToken() {
            if (pos >= s.length()) {
                return null;
            }
            int sp = s.indexOf(' ', pos);
            return sp < 0 ? s.substring(pos) : s.substring(pos, sp);
        }
    }
}
