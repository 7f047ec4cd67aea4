package dev.logrouter.app.cli;

import dev.logrouter.app.config.ConfigException;
import dev.logrouter.app.config.ConfigLoader;
import dev.logrouter.app.config.RouterConfig;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option shared by commands that read a config. */
public final class ConfigOption {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "YAML config file (default: the built-in default, same as config/logrouter.yaml).")
    Path file;

    public Path file() {
        return file;
    }

    /** Loads the file, or the built-in default. */
    public RouterConfig load() throws ConfigException, IOException {
        return ConfigLoader.fromSystem().load(file);
    }
}
