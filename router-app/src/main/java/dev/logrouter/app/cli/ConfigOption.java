package dev.logrouter.app.cli;

import dev.logrouter.app.config.ConfigException;
import dev.logrouter.app.config.ConfigLoader;
import dev.logrouter.app.config.ConfigProblem;
import dev.logrouter.app.config.RouterConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option shared by commands that read a config. */
final class ConfigOption {

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

    /**
     * Loads the file, or the built-in default; an unreadable file is a problem at {@code FILE:1:1}, as
     * {@link #loadOrReport} prints it. What a running router re-reads on reload.
     */
    public RouterConfig read() throws ConfigException {
        try {
            return load();
        } catch (IOException e) {
            throw dev.logrouter.app.daemon.ConfigReload.fileProblem(String.valueOf(file), "cannot read: " + unreadable(e));
        }
    }

    /** The name of what {@link #load} reads, for messages. */
    public String name() {
        return file == null ? dev.logrouter.app.config.ConfigLoader.BUILTIN : file.toString();
    }

    private String unreadable(IOException e) {
        return java.nio.file.Files.isDirectory(file) ? "is a directory" : IoErrorText.of(e);
    }

    /**
     * Loads the config, or prints every problem as {@code FILE:LINE:COL: message} to {@code err}.
     *
     * @return the config, or {@code null} when it is invalid or unreadable
     */
    public RouterConfig loadOrReport(PrintWriter err) {
        try {
            return load();
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                err.println(p.format(e.file()));
            }
        } catch (IOException e) {
            err.println(file + ":1:1: cannot read: " + unreadable(e));
        }
        err.flush();
        return null;
    }
}
