package dev.logrouter.core.net;

/**
 * Counters of a network input since it was created.
 *
 * @param records             records emitted
 * @param bytes               payload bytes received
 * @param jsonErrors          lines that were not one valid JSON object (kept as raw text with {@code parse_error})
 * @param partialLines        pieces of lines longer than {@code max_line_bytes} (kept, not parsed)
 * @param connections         TCP connections accepted
 * @param rejectedConnections TCP connections closed at once because {@code max_connections} were open
 * @param connectionErrors    TCP connections that ended on an error (a reset, a failed read) instead of a close;
 *                            what they sent before it was delivered
 */
record NetSourceStats(long records, long bytes, long jsonErrors, long partialLines, long connections,
                             long rejectedConnections, long connectionErrors) {
}
