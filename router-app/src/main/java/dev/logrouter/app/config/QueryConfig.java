package dev.logrouter.app.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code query:} block: the local socket that tail readers connect to.
 *
 * @param socket    socket path (default {@code <runtime dir>/query.sock})
 * @param mode      octal file mode of the socket, e.g. {@code "0660"}
 * @param allowUids peer uids allowed (SO_PEERCRED); empty: any peer that can open the socket
 * @param allowGids peer gids allowed
 */
public record QueryConfig(Path socket, String mode, List<Integer> allowUids, List<Integer> allowGids) {

    public QueryConfig {
        if (mode != null && !mode.matches("0?[0-7]{3,4}")) {
            throw new IllegalArgumentException("mode must be an octal file mode such as \"0660\", was '" + mode + "'");
        }
        allowUids = allowUids == null ? List.of() : List.copyOf(allowUids);
        allowGids = allowGids == null ? List.of() : List.copyOf(allowGids);
    }

    /** The mode as permission bits. */
    public int modeBits() {
        return mode == null ? 0660 : Integer.parseInt(mode, 8);
    }
}
