package dev.logrouter.app.config;

import dev.logrouter.core.sink.LogSink;
import dev.logrouter.sinks.console.ConsoleSink;

/** {@code type: console}: records as lines on stdout. */
@Doc("Prints records as lines to stdout, by default as text: "
        + "`2024-07-02T19:22:51.974497577Z web[stderr] warning: message`. Control characters are escaped so one "
        + "record is one line.")
public final class ConsoleSinkType implements SinkType<ConsoleSinkType.Config> {

    record Config(@Block(inline = true, keys = "format", defaults = "format=text") EncodingConfig encoding) {
    }

    @Override
    public String type() {
        return "console";
    }

    @Override
    public LogSink create(String name, Config c, RouterEnv env) {
        return new ConsoleSink(name, System.out, c.encoding().spec());
    }
}
