package dev.logrouter.app.config;

import dev.logrouter.core.sink.LogSink;
import dev.logrouter.sinks.file.FileSink;
import dev.logrouter.sinks.file.FileSinkSpec;
import java.time.Duration;

/** {@code type: file}: records appended to files named after their service or source, rotated by size. */
@Doc(value = "Records appended to files named after their service, source or stream, rotated by size.",
        see = "sinks.md#file")
public final class FileSinkType implements SinkType<FileSinkType.Config> {

    record Config(
            @Required @Doc("file path; `{service}`, `{source}`, `{stream}` are replaced by the record's sanitised names")
            String path,
            @Block(inline = true, defaults = "format=text")
            EncodingConfig encoding,
            @Doc(value = "size rotation", absent = "never rotate")
            Rotate rotate,
            @Default("1s") @Doc("written records reach the file at least this often")
            Duration flushInterval,
            @Default("64") @Doc("most files open at once; the least recently used are closed beyond this")
            Integer maxOpenFiles) {
        Config {
            if (path != null) {
                FileSinkSpec.checkPath(path);
            }
            if (maxOpenFiles != null && maxOpenFiles < 1) {
                throw new IllegalArgumentException("max_open_files must be at least 1");
            }
        }
    }

    record Rotate(
            @Required @Doc("rotate before a file would grow past this")
            ByteSize maxBytes,
            @Default("5") @Doc("rotated files kept: `NAME.1` (newest) .. `NAME.keep`; older are deleted")
            Integer keep) {
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
    public LogSink create(String name, Config c, RouterEnv env) {
        Rotate r = c.rotate();
        return new FileSink(new FileSinkSpec(name, c.path(), c.encoding().spec(), r == null ? 0 : r.maxBytes().bytes(),
                r == null ? 0 : r.keep(), c.flushInterval(), c.maxOpenFiles()));
    }
}
