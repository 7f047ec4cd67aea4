package dev.logrouter.app.config;

import dev.logrouter.core.sink.LogSink;
import dev.logrouter.sinks.console.ConsoleSink;

/** {@code type: console}: records as text lines on stdout. */
final class ConsoleSinkType implements SinkType<ConsoleSinkType.Config> {

    record Config() {
    }

    @Override
    public String type() {
        return "console";
    }

    @Override
    public Class<Config> configClass() {
        return Config.class;
    }

    @Override
    public LogSink create(String name, Config config, RouterEnv env) {
        return new ConsoleSink(name);
    }
}
