package dev.logrouter.app.selflog;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import dev.logrouter.core.router.Router;
import dev.logrouter.core.source.LogSource;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Logback appender that puts the router's own log lines into the journal as service
 * {@code logrouter}, stream {@code log}, with the logger name in field {@code logger}. Lines logged
 * before a router is attached are kept (at most 1000, oldest dropped and counted) and ingested on
 * {@link #attach}. Lines logged while the same thread is ingesting are skipped, so a sink or source
 * that logs from inside the ingest path cannot loop.
 */
public final class JournalAppender extends AppenderBase<ILoggingEvent> {

    private static final int EARLY_LIMIT = 1000;
    private static final Object LOCK = new Object();
    private static volatile Router router;
    private static final ArrayDeque<LogRecord> EARLY = new ArrayDeque<>();
    private static long earlyDropped;

    /** Sends this JVM's log lines to {@code r} from now on, after the ones logged before. */
    public static void attach(Router r) {
        synchronized (LOCK) {
            if (earlyDropped > 0) {
                r.ingest(LogRecord.gap(LogRecord.now(), "router log before start", earlyDropped));
                earlyDropped = 0;
            }
            while (!EARLY.isEmpty()) {
                r.ingest(EARLY.pollFirst());
            }
            router = r;
        }
    }

    public static void detach() {
        synchronized (LOCK) {
            router = null;
        }
    }

    @Override
    protected void append(ILoggingEvent e) {
        if (Router.isIngesting() || recordedElsewhere(e)) {
            return;
        }
        LogRecord rec = toRecord(e);
        Router r = router;
        if (r != null) {
            r.ingest(rec);
            return;
        }
        synchronized (LOCK) {
            r = router;
            if (r != null) {
                r.ingest(rec);
                return;
            }
            if (EARLY.size() >= EARLY_LIMIT) {
                EARLY.pollFirst();
                earlyDropped++;
            }
            EARLY.addLast(rec);
        }
    }

    /** A line whose source already emitted the same event as a record ({@link LogSource#ALREADY_RECORDED}). */
    private static boolean recordedElsewhere(ILoggingEvent e) {
        java.util.List<org.slf4j.Marker> markers = e.getMarkerList();
        return markers != null && markers.contains(LogSource.ALREADY_RECORDED);
    }

    static LogRecord toRecord(ILoggingEvent e) {
        String msg = e.getFormattedMessage();
        IThrowableProxy t = e.getThrowableProxy();
        if (t != null) {
            msg = msg + ": " + t.getClassName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        }
        Map<String, Object> fields = new LinkedHashMap<>(2);
        fields.put("logger", e.getLoggerName());
        long nanos = e.getInstant() != null
                ? e.getInstant().getEpochSecond() * 1_000_000_000L + e.getInstant().getNano()
                : e.getTimeStamp() * 1_000_000L;
        return new LogRecord(LogRecord.NO_CURSOR, nanos, LogRecord.SELF_SERVICE, LogRecord.SELF_SERVICE, "log",
                level(e.getLevel()), msg == null ? "" : msg, java.util.Collections.unmodifiableMap(fields),
                LogRecord.Kind.NORMAL);
    }

    private static Level level(ch.qos.logback.classic.Level l) {
        switch (l.toInt()) {
            case ch.qos.logback.classic.Level.ERROR_INT: return Level.ERR;
            case ch.qos.logback.classic.Level.WARN_INT: return Level.WARNING;
            case ch.qos.logback.classic.Level.INFO_INT: return Level.INFO;
            default: return Level.DEBUG;
        }
    }
}
