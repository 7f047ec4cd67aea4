package dev.logrouter.app.config;

import dev.logrouter.core.kmsg.KmsgFrom;
import dev.logrouter.core.kmsg.KmsgSource;
import dev.logrouter.core.kmsg.KmsgSpec;
import dev.logrouter.core.source.LogSource;
import java.nio.file.Path;
import java.time.Duration;

/** {@code type: kmsg}: the kernel log from {@code /dev/kmsg} (see docs/kmsg.md). */
@Doc(value = "The kernel log from `/dev/kmsg`.", see = "kmsg.md")
public final class KmsgSourceType implements SourceType<KmsgSourceType.Config> {

    record Config(
            @Default("/dev/kmsg") @Doc("the device; a regular file is read as a fixture")
            Path path,
            @Default("start")
            @Doc("without saved state: `start` forwards the whole kernel ring, `end` only messages logged after the "
                    + "source opened")
            KmsgFrom from,
            @Doc(value = "keeps the last forwarded record across restarts; a relative path is resolved against the "
                    + "runtime directory (`$LOGROUTER_RUNTIME_DIR`, `$XDG_RUNTIME_DIR/logrouter` or "
                    + "`/tmp/logrouter-$UID`), which systemd wipes at every stop of the packaged unit: use "
                    + "`${LOGROUTER_STATE_DIR}/kmsg.state`", absent = "none")
            Path stateFile,
            @Default("1s")
            @Doc("how often the state file is rewritten while records flow; it is also written when the source stops")
            Duration stateInterval) {
        Config {
            if (stateInterval != null && (stateInterval.isNegative() || stateInterval.isZero())) {
                throw new IllegalArgumentException("state_interval must be positive");
            }
        }
    }

    @Override
    public String type() {
        return "kmsg";
    }

    @Override
    public LogSource create(String name, Config c, RouterEnv env) {
        Path state = c.stateFile() == null || c.stateFile().isAbsolute() || env.runtimeDir() == null
                ? c.stateFile() : env.runtimeDir().resolve(c.stateFile());
        return new KmsgSource(new KmsgSpec(name, c.path(), c.from(), state, c.stateInterval(), 0, null, null));
    }
}
