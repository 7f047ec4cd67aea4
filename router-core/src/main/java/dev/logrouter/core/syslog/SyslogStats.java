package dev.logrouter.core.syslog;

/**
 * Counters of a syslog source since it was created.
 *
 * @param messages            messages received (every one becomes a record)
 * @param parseErrors         messages kept raw or partly parsed, with a {@code parse_error} field
 * @param truncated           messages cut at {@code max_message_bytes}
 * @param droppedBytes        bytes discarded beyond the cut of truncated messages
 * @param connections         TCP connections accepted
 * @param rejectedConnections TCP connections closed at once because {@code max_connections} were open
 * @param connectionErrors    TCP connections that ended on an error (a reset, a failed read) instead of a close
 */
record SyslogStats(long messages, long parseErrors, long truncated, long droppedBytes, long connections,
                          long rejectedConnections, long connectionErrors) {
}
