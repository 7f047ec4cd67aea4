package dev.logrouter.app.cli;

import dev.logrouter.app.config.ConfigException;
import dev.logrouter.app.config.ConfigLoader;
import dev.logrouter.app.config.RouterConfig;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the client commands find the query socket: {@code --socket}, else the {@code query.socket}
 * of {@code --config FILE}, else that of the built-in default config.
 */
final class SocketOption {

    @Option(names = "--socket", paramLabel = "PATH",
            description = "Query socket of the running logrouter (default: query.socket of --config, "
                    + "else of the built-in default config).")
    Path socket;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Config whose query.socket to use.")
    Path config;

    Path resolve() throws CliFailure {
        if (socket != null) {
            return socket;
        }
        try {
            RouterConfig c = ConfigLoader.fromSystem().load(config);
            return c.query().socket();
        } catch (ConfigException e) {
            throw new CliFailure(ExitCodes.ERROR, "invalid config " + e.file() + " (run logrouter check): "
                    + e.getMessage());
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.ERROR, "cannot read config " + config + ": " + e.getMessage());
        }
    }
}
