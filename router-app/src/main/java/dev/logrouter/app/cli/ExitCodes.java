package dev.logrouter.app.cli;

/** Exit codes of the client commands ({@code read}, {@code dmesg}, {@code status}); see docs/cli.md. */
final class ExitCodes {

    private ExitCodes() {
    }

    static final int OK = 0;
    /** The daemon answered with an error, or the connection failed mid-way. */
    static final int ERROR = 1;
    /** Bad command line (picocli's usage error code). */
    static final int USAGE = 2;
    /** The query socket does not exist or nothing listens on it. */
    static final int NO_DAEMON = 3;
    /** The socket's file mode or the daemon's allow_uids/allow_gids refused us. */
    static final int ACCESS_DENIED = 4;
}
