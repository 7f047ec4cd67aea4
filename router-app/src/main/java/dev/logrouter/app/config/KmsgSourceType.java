package dev.logrouter.app.config;

import dev.logrouter.core.kmsg.KmsgFrom;
import dev.logrouter.core.kmsg.KmsgSource;
import dev.logrouter.core.kmsg.KmsgSpec;
import dev.logrouter.core.source.LogSource;
import java.nio.file.Path;
import java.time.Duration;

/** {@code type: kmsg}: the kernel log from {@code /dev/kmsg} (see docs/kmsg.md). */
final class KmsgSourceType implements SourceType<KmsgSourceType.Config> {

    /**
     * @param path          the device, default {@code /dev/kmsg}; a regular file is read as a fixture
     * @param from          {@code start} (default: the whole kernel ring) or {@code end} (only new records)
     * @param stateFile     keeps the last forwarded seq across restarts; relative to the runtime dir
     * @param stateInterval how often the state file is rewritten while records flow (default 1s)
     */
    record Config(Path path, KmsgFrom from, Path stateFile, Duration stateInterval) {
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
    public Class<Config> configClass() {
        return Config.class;
    }

    @Override
    public LogSource create(String name, Config c, RouterEnv env) {
        Path state = c.stateFile() == null || c.stateFile().isAbsolute() || env.runtimeDir() == null
                ? c.stateFile() : env.runtimeDir().resolve(c.stateFile());
        return new KmsgSource(new KmsgSpec(name, c.path(), c.from(), state, c.stateInterval(), 0, null, null));
    }
}
