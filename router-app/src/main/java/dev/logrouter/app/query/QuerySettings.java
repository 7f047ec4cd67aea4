package dev.logrouter.app.query;

import dev.logrouter.core.io.SocketFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the query socket is served. The socket's settings are given (their defaults are the config's,
 * {@code query:} in docs/configuration.md); {@code requestTimeout} may be null for 5 seconds.
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
        SocketFile.parseMode(Objects.requireNonNull(mode, "mode"));
        allowUids = allowUids == null ? List.of() : List.copyOf(allowUids);
        allowGids = allowGids == null ? List.of() : List.copyOf(allowGids);
        requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
    }

    /** The mode as permission bits (see {@link SocketFile#parseMode}). */
    public int modeBits() {
        return SocketFile.parseMode(mode);
    }
}
