package dev.logrouter.app.config;

import dev.logrouter.core.sink.LogSink;
import dev.logrouter.sinks.encode.EncoderSpec;
import dev.logrouter.sinks.encode.FieldSet;
import dev.logrouter.sinks.encode.Format;
import dev.logrouter.sinks.encode.Framing;
import dev.logrouter.sinks.file.FileSink;
import dev.logrouter.sinks.file.FileSinkSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code type: file}: records appended to files named after their service or source, rotated by size. */
final class FileSinkType implements SinkType<FileSinkType.Config> {

    /**
     * @param path          file path; {@code {service}}, {@code {source}}, {@code {stream}} are replaced by
     *                      sanitised names (required)
     * @param format        {@code text} (default), {@code json_lines}, {@code logread}, {@code rfc5424}
     * @param fields        json_lines keys: {@code talos} (default) or {@code ecs}
     * @param extraTags     keys added to every json_lines record
     * @param host          host name put in records
     * @param includeCursor add the journal cursor (json_lines talos)
     * @param facility      rfc5424 default facility
     * @param framing       {@code lf} (default) or {@code octet_counted} (rfc5424 only)
     * @param rotate        size rotation; absent = never rotate
     * @param flushInterval data reaches the file at least this often (default 1s)
     * @param maxOpenFiles  most files open at once (default 64)
     * @param extraFields   json_lines talos: keys beyond Talos's own
     */
    record Config(@Required String path, Format format, FieldSet fields, Map<String, String> extraTags,
                  String host, Boolean includeCursor, String facility, Framing framing, Rotate rotate,
                  Duration flushInterval, Integer maxOpenFiles, List<String> extraFields) {
        Config {
            if (path != null) {
                new FileSinkSpec("check", path, null, 0, 0, null, 0);
            }
            if (maxOpenFiles != null && maxOpenFiles < 1) {
                throw new IllegalArgumentException("max_open_files must be at least 1");
            }
            EncoderConfig.spec(format, Format.TEXT, fields, extraTags, host, includeCursor, facility, framing,
                    extraFields);
        }
    }

    /**
     * @param maxBytes rotate before a file grows past this (required in the block)
     * @param keep     rotated files kept (default 5)
     */
    record Rotate(@Required ByteSize maxBytes, Integer keep) {
        Rotate {
            if (maxBytes != null && maxBytes.bytes() < 1024) {
                throw new IllegalArgumentException("rotate max_bytes must be at least 1KiB");
            }
            if (keep != null && keep < 0) {
                throw new IllegalArgumentException("rotate keep must not be negative");
            }
        }
    }

    @Override
    public String type() {
        return "file";
    }

    @Override
    public Class<Config> configClass() {
        return Config.class;
    }

    @Override
    public EncoderSpec encoding(Config c) {
        return EncoderConfig.spec(c.format(), Format.TEXT, c.fields(), c.extraTags(), c.host(), c.includeCursor(),
                c.facility(), c.framing(), c.extraFields());
    }

    @Override
    public LogSink create(String name, Config c, RouterEnv env) {
        return new FileSink(new FileSinkSpec(name, c.path(),
                EncoderConfig.spec(c.format(), Format.TEXT, c.fields(), c.extraTags(), c.host(), c.includeCursor(),
                        c.facility(), c.framing(), c.extraFields()),
                c.rotate() == null ? 0 : c.rotate().maxBytes().bytes(),
                c.rotate() == null || c.rotate().keep() == null ? 5 : c.rotate().keep(),
                c.flushInterval(), c.maxOpenFiles() == null ? 0 : c.maxOpenFiles()));
    }
}
