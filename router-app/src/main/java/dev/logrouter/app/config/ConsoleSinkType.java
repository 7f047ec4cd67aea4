package dev.logrouter.app.config;

import dev.logrouter.core.sink.LogSink;
import dev.logrouter.sinks.console.ConsoleSink;
import dev.logrouter.sinks.encode.EncoderSpec;
import dev.logrouter.sinks.encode.Format;

/** {@code type: console}: records as lines on stdout. */
final class ConsoleSinkType implements SinkType<ConsoleSinkType.Config> {

    /**
     * @param format {@code text} (default), {@code logread} (memlogd's console echo:
     *               {@code time;source;msg}), {@code json_lines} (talos keys) or {@code rfc5424}
     */
    record Config(Format format) {
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
    public EncoderSpec encoding(Config config) {
        return EncoderSpec.of(config.format() == null ? Format.TEXT : config.format());
    }

    @Override
    public LogSink create(String name, Config config, RouterEnv env) {
        return new ConsoleSink(name, System.out, encoding(config));
    }
}
