package dev.logrouter.core.fdsocket;

import java.util.List;

/**
 * How a name sent with an fd maps to service and stream. LinuxKit init and {@code logwrite} send
 * stdout as {@code NAME.out} and stderr as plain {@code NAME}.
 *
 * @param raw     the name as received (at most 512 bytes, decoded as UTF-8)
 * @param service the name without its stream suffix
 * @param stream  {@code stdout} or {@code stderr}
 */
record MemlogdName(String raw, String service, String stream) {

    public static MemlogdName map(String raw, List<String> stdoutSuffixes, List<String> stderrSuffixes) {
        for (String s : stdoutSuffixes) {
            if (!s.isEmpty() && raw.length() > s.length() && raw.endsWith(s)) {
                return new MemlogdName(raw, raw.substring(0, raw.length() - s.length()), "stdout");
            }
        }
        for (String s : stderrSuffixes) {
            if (!s.isEmpty() && raw.length() > s.length() && raw.endsWith(s)) {
                return new MemlogdName(raw, raw.substring(0, raw.length() - s.length()), "stderr");
            }
        }
        return new MemlogdName(raw, raw, "stderr");
    }
}
