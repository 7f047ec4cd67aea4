package dev.logrouter.core.fdsocket;

import dev.logrouter.core.framing.LineFramer;
import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LevelPrefix;
import dev.logrouter.core.record.LogRecord;
import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import java.io.IOException;
import java.util.Map;

/**
 * One received fd being read by the session's event loop; all state is confined to that loop. It owns a
 * private duplicate of the fd the client sent (see {@link FdSocketSession}), so closing it takes no lock
 * that the socket's own close could hold.
 */
final class FdReader implements EpollIoHandle {

    private final FdSocketSession session;
    final io.netty.channel.unix.FileDescriptor nettyFd;
    final LineFramer framer;
    final MemlogdName name;
    /** Null while the fd is not in epoll (before registration, paused, finished). */
    IoRegistration registration;
    long lastData;
    long readTime;
    boolean closed;
    /** The last record was a partial piece: the next one continues a line and has no prefix to read. */
    private boolean continuation;

    FdReader(FdSocketSession session, int number, MemlogdName name, FdSocketSpec spec) {
        this.session = session;
        this.nettyFd = new io.netty.channel.unix.FileDescriptor(number);
        this.name = name;
        Map<String, Object> fields = Map.of(FieldNames.MEMLOGD_NAME, name.raw());
        String service = name.service();
        String stream = name.stream();
        String sourceName = spec.name();
        boolean levelPrefix = spec.levelPrefix();
        this.framer = new LineFramer(spec.maxLineBytes(), (line, partial) -> {
            LogRecord r = LogRecord.ofUtf8(readTime, sourceName, service, stream, Level.INFO, line,
                    fields, partial ? LogRecord.Kind.PARTIAL : LogRecord.Kind.NORMAL);
            if (levelPrefix && !continuation) {
                r = LevelPrefix.apply(r);
            }
            continuation = partial;
            session.demand.next(r);
        });
    }

    @Override
    public io.netty.channel.unix.FileDescriptor fd() {
        return nettyFd;
    }

    @Override
    public void handle(IoRegistration reg, IoEvent event) {
        session.read(this);
    }

    /** Called by the event loop when it shuts down with this fd still registered. */
    @Override
    public void close() {
        session.finish(this, true);
    }

    void closeFd() {
        if (!closed) {
            closed = true;
            try {
                nettyFd.close();
            } catch (IOException e) {
                // the number is released either way
            }
        }
    }
}
