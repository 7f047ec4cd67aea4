package dev.logrouter.core.source;

import dev.logrouter.core.record.LogRecord;
import reactor.core.publisher.Flux;

/**
 * A producer of records: a child process, a pipe handed over a socket, the kernel log...
 *
 * <p>{@link #records()} is cold: subscribing starts the source (opens its files, sockets or
 * processes) and cancelling stops it and releases them. Records carry no cursor yet; the journal
 * assigns it. A source reads its input only as fast as its subscriber takes records: the router
 * requests without bound and appends on the source's own thread, so a source is slowed only by a
 * sink configured {@code when_full: block}. Nothing is replayed to a second subscriber.
 */
public interface LogSource {

    /** Config name of the source; the {@code source} of its records. */
    String name();

    /** Config type of the source ({@code exec}, {@code kmsg}, ...). */
    String type();

    /** The records; see the interface comment. */
    Flux<LogRecord> records();
}
