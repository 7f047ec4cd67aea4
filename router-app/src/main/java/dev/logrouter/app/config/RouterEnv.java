package dev.logrouter.app.config;

import dev.logrouter.core.journal.Journal;
import java.nio.file.Path;

/**
 * What sources and sinks may use from the running router.
 *
 * @param runtimeDir directory for sockets and state of this router instance (created, writable)
 * @param journal    the journal
 */
public record RouterEnv(Path runtimeDir, Journal journal) {
}
