package dev.logrouter.app.query;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How the query socket is served.
 *
 * @param socket         path of the AF_UNIX stream socket
 * @param mode           permission bits of the socket file, octal like {@code "0660"}
 * @param allowUids      peer uids allowed (SO_PEERCRED); with {@code allowGids} both empty, anyone who
 *                       can open the socket file is allowed
 * @param allowGids      peer gids allowed: the peer's primary gid or one of its supplementary groups
 * @param requestTimeout a client that sends no complete request within this time gets an error line
 *                       and is disconnected
 */
public record QuerySettings(Path socket, String mode, List<Integer> allowUids, List<Integer> allowGids,
                            Duration requestTimeout) {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

    public QuerySettings {
        Objects.requireNonNull(socket, "socket");
        mode = mode == null ? "0660" : mode;
        permissions(mode);
        allowUids = allowUids == null ? List.of() : List.copyOf(allowUids);
        allowGids = allowGids == null ? List.of() : List.copyOf(allowGids);
        requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
    }

    public static QuerySettings of(Path socket) {
        return new QuerySettings(socket, null, null, null, null);
    }

    public QuerySettings withRequestTimeout(Duration timeout) {
        return new QuerySettings(socket, mode, allowUids, allowGids, timeout);
    }

    /** The file permissions of an octal mode string like {@code 0660} or {@code 660}. */
    public static Set<PosixFilePermission> permissions(String mode) {
        int bits;
        try {
            bits = Integer.parseInt(mode.trim(), 8);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("mode must be octal like \"0660\", was '" + mode + "'");
        }
        if (bits < 0 || bits > 0777) {
            throw new IllegalArgumentException("mode must be between 0000 and 0777, was '" + mode + "'");
        }
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        String rwx = "rwxrwxrwx";
        StringBuilder sb = new StringBuilder(9);
        for (int i = 0; i < 9; i++) {
            sb.append((bits & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
        }
        set.addAll(PosixFilePermissions.fromString(sb.toString()));
        return set;
    }
}
