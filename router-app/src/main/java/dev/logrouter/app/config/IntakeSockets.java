package dev.logrouter.app.config;

import java.nio.file.Path;
import java.util.Optional;

/** Where a config's intake sockets are, for clients such as {@code logrouter write}. */
public final class IntakeSockets {

    private IntakeSockets() {
    }

    /** Path of the first {@code fd_socket} source (the memlogd-compatible log socket), if any. */
    public static Optional<Path> logSocket(RouterConfig config) {
        for (SourceDef s : config.sources()) {
            if (s.config() instanceof FdSocketSourceType.Config c) {
                return Optional.of(c.path());
            }
        }
        return Optional.empty();
    }
}
