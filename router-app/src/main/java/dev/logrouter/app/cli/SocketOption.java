package dev.logrouter.app.cli;

import dev.logrouter.app.config.ConfigException;
import dev.logrouter.app.config.ConfigLoader;
import dev.logrouter.app.config.RouterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the client commands find the query socket: {@code --socket}, else the {@code query.socket}
 * of {@code --config FILE}, else that of the built-in default config when it exists, else the
 * socket of the daemon the packaged systemd unit runs ({@code query.socket} of
 * {@code /etc/logrouter/logrouter.yaml} with the unit's {@code /run/logrouter}), so an operator
 * needs no {@code --socket} on a systemd host.
 */
final class SocketOption {

    @Option(names = "--socket", paramLabel = "PATH",
            description = "Query socket of the running logrouter (default: query.socket of --config, "
                    + "else of the built-in default config).")
    Path socket;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Config whose query.socket to use.")
    Path config;

    /** The packaged systemd unit's config and runtime directory. */
    static final Path SYSTEMD_CONFIG = Path.of("/etc/logrouter/logrouter.yaml");
    static final Path SYSTEMD_RUNTIME_DIR = Path.of("/run/logrouter");

    Path resolve() throws CliFailure {
        if (socket != null) {
            return socket;
        }
        if (config == null) {
            return defaultSocket(System.getenv(), SYSTEMD_CONFIG, SYSTEMD_RUNTIME_DIR);
        }
        try {
            RouterConfig c = ConfigLoader.fromSystem().load(config);
            return c.query().socket();
        } catch (ConfigException e) {
            throw new CliFailure(ExitCodes.ERROR, "invalid config " + e.file() + " (run logrouter check): "
                    + e.getMessage());
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.ERROR, "cannot read config " + config + ": " + IoErrorText.of(e));
        }
    }

    /**
     * For {@code write} without {@code --socket} and {@code --config}: the log socket of the default
     * config when it exists, else that of the daemon the systemd unit runs when it exists, else the
     * default's (which {@code write} then waits for).
     */
    static Path defaultLogSocket(Map<String, String> env, Path builtin, Path systemdConfig, Path systemdRuntimeDir) {
        if (Files.exists(builtin) || !Files.isDirectory(systemdRuntimeDir)) {
            return builtin;
        }
        Map<String, String> unitEnv = new HashMap<>(env);
        unitEnv.put(ConfigLoader.RUNTIME_DIR_VARIABLE, systemdRuntimeDir.toString());
        Path candidate = systemdRuntimeDir.resolve("log.sock");
        if (Files.isReadable(systemdConfig)) {
            try {
                candidate = dev.logrouter.app.config.IntakeSockets.logSocket(
                        new ConfigLoader(unitEnv).load(systemdConfig)).orElse(candidate);
            } catch (ConfigException | IOException e) {
                // an unreadable or invalid unit config: the unit's default socket is the best guess
            }
        }
        return Files.exists(candidate) ? candidate : builtin;
    }

    /** Without {@code --socket} and {@code --config}: see the class comment. */
    static Path defaultSocket(Map<String, String> env, Path systemdConfig, Path systemdRuntimeDir) throws CliFailure {
        Path builtin;
        try {
            builtin = new ConfigLoader(env).loadDefault().query().socket();
        } catch (ConfigException e) {
            throw new CliFailure(ExitCodes.ERROR, "invalid built-in config: " + e.getMessage());
        }
        if (Files.exists(builtin) || !Files.isDirectory(systemdRuntimeDir)) {
            return builtin;
        }
        Map<String, String> unitEnv = new HashMap<>(env);
        unitEnv.put(ConfigLoader.RUNTIME_DIR_VARIABLE, systemdRuntimeDir.toString());
        Path candidate = systemdRuntimeDir.resolve("query.sock");
        if (Files.isReadable(systemdConfig)) {
            try {
                candidate = new ConfigLoader(unitEnv).load(systemdConfig).query().socket();
            } catch (ConfigException | IOException e) {
                // an unreadable or invalid unit config: the unit's default socket is the best guess
            }
        }
        return Files.exists(candidate) ? candidate : builtin;
    }
}
