package dev.logrouter.core.record;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One log record, immutable once the journal has given it its cursor.
 *
 * <p>{@code cursor} is assigned by the journal (router-wide, strictly increasing); records built by
 * sources carry {@link #NO_CURSOR} until they are appended. {@code time} is nanoseconds since the
 * epoch. {@code fields} is an ordered, unmodifiable map from name to a JSON-compatible value
 * ({@link String}, {@link Number}, {@link Boolean}, or {@code null}).
 *
 * <p>The message is held in one of two forms, and two records with the same text are equal whichever
 * they hold: as a {@link String}, or, for lines that came in as bytes (pipes, sockets), as the UTF-8
 * bytes themselves ({@link #ofUtf8}), valid by construction. Bytes make the framer's decode, the
 * encoder's re-encode and the UTF-16 doubling of non-Latin-1 text unnecessary; {@link #msg()} decodes
 * them where text is needed (regex routes, transforms, text output) and does not keep the result.
 */
public final class LogRecord {

    public static final long NO_CURSOR = 0L;

    /** Service name of the router's own log lines. */
    public static final String SELF_SERVICE = "logrouter";

    public enum Kind {
        /** A complete line or message. */
        NORMAL,
        /** A piece of a line that was cut at {@code max_line_bytes}, at an idle timeout or at EOF. */
        PARTIAL,
        /** Stands for records that were lost; {@link #lost()} says how many. */
        GAP
    }

    private static final Level[] LEVELS = Level.values();
    private static final Kind[] KINDS = Kind.values();

    // Laid out for the journal, which holds many: 12 B header, two longs, five references, an int and
    // two bytes fit in 56 B; one more reference (the message's two forms apart, or the enums as
    // references) would make it 64.

    /** Set by the constructor or once by {@link #assignCursor}, before the record is published. */
    private long cursor;
    private final long time;
    private final String source;
    private final String service;
    private final String stream;
    /** The message: a {@code String}, or a {@code byte[]} of valid UTF-8 that is never modified. */
    private final Object msg;
    private final Map<String, Object> fields;
    private final byte level;
    private final byte kind;
    /** {@link #estimatedBytes()} once computed, else 0; a racy cache as {@code String.hash} is. */
    private int estimate;

    /**
     * @param cursor  journal position, or {@link #NO_CURSOR}
     * @param time    epoch nanoseconds
     * @param source  config name of the source that produced the record
     * @param service service name (a LinuxKit/Talos service, {@code kernel}, {@code logrouter}...)
     * @param stream  {@code stdout}, {@code stderr}, {@code kernel}, {@code syslog}, ...
     * @param level   severity
     * @param msg     message text, valid UTF-16 (invalid input bytes are already U+FFFD)
     * @param fields  extra ordered fields
     * @param kind    normal, partial line, or gap
     */
    public LogRecord(long cursor, long time, String source, String service, String stream,
                     Level level, String msg, Map<String, Object> fields, Kind kind) {
        this(cursor, time, source, service, stream, level, Objects.requireNonNull(msg, "msg"), null, fields, kind);
    }

    private LogRecord(long cursor, long time, String source, String service, String stream,
                      Level level, String text, byte[] utf8, Map<String, Object> fields, Kind kind) {
        this.cursor = cursor;
        this.time = time;
        this.source = Objects.requireNonNull(source, "source");
        this.service = Objects.requireNonNull(service, "service");
        this.stream = Objects.requireNonNull(stream, "stream");
        this.level = (byte) Objects.requireNonNull(level, "level").ordinal();
        this.msg = text != null ? text : utf8;
        this.fields = fields == null || fields.isEmpty() ? Map.of() : fields;
        this.kind = (byte) Objects.requireNonNull(kind, "kind").ordinal();
    }

    /**
     * A record whose message is held as UTF-8 bytes, with no cursor yet.
     *
     * @param msgUtf8 valid UTF-8 (the framer replaces invalid bytes, see
     *                {@code dev.logrouter.core.framing.GoUtf8}); the record keeps the array, so the
     *                caller must not touch it afterwards
     */
    public static LogRecord ofUtf8(long time, String source, String service, String stream, Level level,
                                   byte[] msgUtf8, Map<String, Object> fields, Kind kind) {
        return new LogRecord(NO_CURSOR, time, source, service, stream, level, null,
                Objects.requireNonNull(msgUtf8, "msgUtf8"), fields, kind);
    }

    /** A normal record with no fields and no cursor yet. */
    public static LogRecord of(long time, String source, String service, String stream, Level level, String msg) {
        return new LogRecord(NO_CURSOR, time, source, service, stream, level, msg, Map.of(), Kind.NORMAL);
    }

    /**
     * A gap record: {@code lost} records were lost at {@code where} (a reader, a sink buffer, a
     * source...). Its level is {@code warning} and its message says {@code lost N records}.
     */
    public static LogRecord gap(long time, String where, long lost) {
        Map<String, Object> f = new LinkedHashMap<>(4);
        f.put(FieldNames.LOST, lost);
        f.put(FieldNames.WHERE, where);
        return new LogRecord(NO_CURSOR, time, SELF_SERVICE, SELF_SERVICE, "gap", Level.WARNING,
                "lost " + lost + " records" + (where.isEmpty() ? "" : " at " + where),
                Collections.unmodifiableMap(f), Kind.GAP);
    }

    public long cursor() {
        return cursor;
    }

    public long time() {
        return time;
    }

    public String source() {
        return source;
    }

    public String service() {
        return service;
    }

    public String stream() {
        return stream;
    }

    public Level level() {
        return LEVELS[level];
    }

    /** The message as text; a message held as UTF-8 is decoded on each call. */
    public String msg() {
        return msg instanceof String s ? s : new String((byte[]) msg, StandardCharsets.UTF_8);
    }

    /**
     * The message's UTF-8 bytes when it is held as bytes, else {@code null} (then use {@link #msg()}).
     * The array is the record's own: read it, never modify it.
     */
    public byte[] msgUtf8() {
        return msg instanceof byte[] b ? b : null;
    }

    private String text() {
        return msg instanceof String s ? s : null;
    }

    /** Length of the message in UTF-8 bytes. */
    public int msgBytes() {
        if (!(msg instanceof String s)) {
            return ((byte[]) msg).length;
        }
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                // a surrogate pair is two chars and four bytes
                bytes += c < 0x800 || Character.isSurrogate(c) ? 1 : 2;
            }
        }
        return bytes;
    }

    public Map<String, Object> fields() {
        return fields;
    }

    public Kind kind() {
        return KINDS[kind];
    }

    static boolean isLatin1(String s) {
        // exits at the first char above U+00FF; a branch-free OR of all chars measured slower
        // (JournalAppendBenchmark: 1.5e7 against 2.5e7 records per CPU-second)
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xFF) {
                return false;
            }
        }
        return true;
    }

    /** Current wall-clock time in epoch nanoseconds (microsecond resolution or better). */
    public static long now() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** A copy with another cursor. */
    public LogRecord withCursor(long newCursor) {
        return new LogRecord(newCursor, time, source, service, stream, level(), text(), msgUtf8(), fields, kind());
    }

    /**
     * Gives a record that has no cursor yet its cursor, in place, and returns it; a record that has
     * one already is copied instead ({@link #withCursor}). For the journal, which appends a record
     * its source has just built and handed over, before any other thread can see it: the copy this
     * saves was a quarter of the allocation per journalled line.
     */
    public LogRecord assignCursor(long newCursor) {
        if (cursor != NO_CURSOR || newCursor == NO_CURSOR) {
            return withCursor(newCursor);
        }
        cursor = newCursor;
        return this;
    }

    public LogRecord withFields(Map<String, Object> newFields) {
        return new LogRecord(cursor, time, source, service, stream, level(), text(), msgUtf8(),
                Collections.unmodifiableMap(new LinkedHashMap<>(newFields)), kind());
    }

    public LogRecord withMsg(String newMsg) {
        return new LogRecord(cursor, time, source, service, stream, level(), newMsg, fields, kind());
    }

    public Instant instant() {
        return Instant.ofEpochSecond(Math.floorDiv(time, 1_000_000_000L), Math.floorMod(time, 1_000_000_000L));
    }

    public boolean isGap() {
        return kind == Kind.GAP.ordinal();
    }

    public boolean isPartial() {
        return kind == Kind.PARTIAL.ordinal();
    }

    /** Exact number of records a gap record stands for; 0 for other records. */
    public long lost() {
        if (!isGap()) {
            return 0;
        }
        Object v = fields.get(FieldNames.LOST);
        return v instanceof Number n ? n.longValue() : 0;
    }

    /**
     * Approximate retained heap size in bytes, used by byte-bounded buffers: the record object, its
     * message (UTF-8 bytes as held; or a {@code String}: one byte per character when every character
     * is Latin-1, as Java stores it, else two) and its fields. Shared strings (source/service/stream)
     * are not counted; they are shared per source.
     */
    public long estimatedBytes() {
        // asked for by the journal and twice by each sink buffer the record goes through
        int e = estimate;
        if (e == 0) {
            e = (int) Math.min(Integer.MAX_VALUE, computeEstimate());
            estimate = e;
        }
        return e;
    }

    private long computeEstimate() {
        long size = msg instanceof String text
                ? 56 + 24 + 16 + 8 + (long) text.length() * (isLatin1(text) ? 1 : 2)
                : 56 + 16 + ((byte[]) msg).length;
        if (!fields.isEmpty()) {
            size += 64 + fieldBytes(fields);
        }
        return size;
    }

    /** The fields map last estimated, with its estimate: sources share one map among their records. */
    private record FieldsEstimate(Map<String, Object> fields, long bytes) {
    }

    private static volatile FieldsEstimate lastFields;

    private static long fieldBytes(Map<String, Object> fields) {
        FieldsEstimate last = lastFields;
        if (last != null && last.fields == fields) {
            return last.bytes;
        }
        // forEach, not entrySet(): walking an unmodifiable map's entries allocates an entry object each
        // (JDK 17's Map.of still builds its entry set for forEach: hence the cache above)
        FieldBytes f = new FieldBytes();
        fields.forEach(f);
        lastFields = new FieldsEstimate(fields, f.sum);
        return f.sum;
    }

    /** Sums the estimated size of each field: the entry, its key and its value. */
    private static final class FieldBytes implements java.util.function.BiConsumer<String, Object> {
        long sum;

        @Override
        public void accept(String key, Object value) {
            sum += 48 + key.length() + (value instanceof String s ? 40 + s.length() : 16);
        }
    }

    /** Equal records have equal components; the message is compared as text, whichever form holds it. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof LogRecord r)) {
            return false;
        }
        return cursor == r.cursor && time == r.time && source.equals(r.source) && service.equals(r.service)
                && stream.equals(r.stream) && level == r.level && kind == r.kind && sameMessage(r)
                && fields.equals(r.fields);
    }

    private boolean sameMessage(LogRecord r) {
        if (msg instanceof byte[] a && r.msg instanceof byte[] b) {
            return Arrays.equals(a, b);
        }
        return msg().equals(r.msg());
    }

    @Override
    public int hashCode() {
        return Objects.hash(cursor, time, source, service, stream, level, msg(), fields, kind);
    }

    @Override
    public String toString() {
        return "LogRecord[cursor=" + cursor + ", time=" + time + ", source=" + source + ", service=" + service
                + ", stream=" + stream + ", level=" + level() + ", msg=" + msg() + ", fields=" + fields
                + ", kind=" + kind() + "]";
    }
}
