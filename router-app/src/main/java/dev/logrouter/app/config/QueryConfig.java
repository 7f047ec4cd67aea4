package dev.logrouter.app.config;

import java.nio.file.Path;
import java.util.List;

/** The {@code query:} block: the local socket that {@code logrouter read}, {@code status} and {@code reload} use. */
public record QueryConfig(
        @Doc(value = "socket path", absent = "`${LOGROUTER_RUNTIME_DIR}/query.sock`")
        Path socket,
        @Default("0660") @Doc("octal permission bits of the socket file (a string)")
        String mode,
        @Doc(value = "peer uids allowed (SO_PEERCRED); with `allow_gids` both empty, anyone who can open the "
                + "socket file", absent = "none")
        List<Integer> allowUids,
        @Doc(value = "peer gids allowed: the peer's primary gid or one of its supplementary groups", absent = "none")
        List<Integer> allowGids) {

    public QueryConfig {
        if (mode != null && !mode.matches("0?[0-7]{3,4}")) {
            throw new IllegalArgumentException("mode must be an octal file mode such as \"0660\", was '" + mode + "'");
        }
        allowUids = allowUids == null ? List.of() : List.copyOf(allowUids);
        allowGids = allowGids == null ? List.of() : List.copyOf(allowGids);
    }
}
