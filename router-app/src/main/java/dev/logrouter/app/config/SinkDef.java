package dev.logrouter.app.config;

import dev.logrouter.core.transform.TransformChain;
import dev.logrouter.core.transform.TransformSpec;
import dev.logrouter.sinks.encode.EncoderSpec;
import java.util.ArrayList;
import java.util.List;

import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.LogSink;

/**
 * A validated sink entry.
 *
 * @param name   its key under {@code sinks:}
 * @param type   its type
 * @param config its bound config record
 * @param buffer its buffer bounds
 * @param transforms its own transforms, applied to every record routed to it
 */
public record SinkDef(String name, SinkType<?> type, Record config, BufferSpec buffer, List<TransformSpec> transforms) {

    /** A sink without transforms. */
    public SinkDef(String name, SinkType<?> type, Record config, BufferSpec buffer) {
        this(name, type, config, buffer, List.of());
    }

    public SinkDef {
        transforms = transforms == null ? List.of() : List.copyOf(transforms);
    }

    /**
     * Its transforms compiled (once per config that starts or keeps it); a Talos json_lines sink's
     * chain starts by dropping blank service lines, which Talos does not send (counted in the chain).
     */
    @SuppressWarnings("unchecked")
    public TransformChain transformChain() {
        EncoderSpec enc = ((SinkType<Record>) type).encoding(config);
        List<TransformSpec> all = new ArrayList<>();
        if (enc != null && enc.skipsBlankLines()) {
            all.add(new TransformSpec.SkipBlank());
        }
        all.addAll(transforms);
        return TransformChain.compile(all, "sink " + name);
    }

    @SuppressWarnings("unchecked")
    public LogSink create(RouterEnv env) {
        return ((SinkType<Record>) type).create(name, config, env);
    }
}
