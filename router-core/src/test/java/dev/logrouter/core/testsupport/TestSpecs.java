package dev.logrouter.core.testsupport;

import dev.logrouter.core.exec.ExecSpec;
import dev.logrouter.core.exec.RestartPolicy;
import dev.logrouter.core.fdsocket.FdSocketSpec;
import dev.logrouter.core.journal.JournalSpec;
import dev.logrouter.core.kmsg.KmsgFrom;
import dev.logrouter.core.kmsg.KmsgSpec;
import dev.logrouter.core.net.NetFormat;
import dev.logrouter.core.net.NetProtocol;
import dev.logrouter.core.net.NetSourceSpec;
import dev.logrouter.core.sink.BufferSpec;
import dev.logrouter.core.sink.WhenFull;
import dev.logrouter.core.syslog.SyslogSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Specs for tests that set only what they test. The specs have no defaults of their own (the
 * config's records declare them); the values here are the tests' choice, the same as the config's
 * today so that a test sees what a deployment would.
 */
public final class TestSpecs {

    public static final JournalSpec JOURNAL = new JournalSpec(5000, 8L << 20);
    public static final BufferSpec BUFFER = new BufferSpec(100_000, 64L << 20, WhenFull.DROP_OLDEST);
    public static final int MAX_LINE_BYTES = 64 * 1024;
    public static final int MAX_CONNECTIONS = 256;
    public static final List<String> STDOUT_SUFFIXES = List.of(".out", ".stdout");
    public static final List<String> STDERR_SUFFIXES = List.of(".stderr");

    private TestSpecs() {
    }

    public static ExecSpec exec(String name, List<String> command, RestartPolicy restart) {
        return new ExecSpec(name, null, command, null, null, restart, Duration.ofMillis(500), Duration.ofSeconds(30),
                MAX_LINE_BYTES, Duration.ofSeconds(1), Duration.ofSeconds(3), true);
    }

    public static NetSourceSpec net(String name, NetProtocol protocol, String listen, NetFormat format) {
        return new NetSourceSpec(name, protocol, listen, format, null, MAX_LINE_BYTES, MAX_CONNECTIONS);
    }

    public static SyslogSpec syslog(String name, Path path, String udp, String tcp) {
        return new SyslogSpec(name, path, 0666, udp, tcp, MAX_LINE_BYTES, MAX_CONNECTIONS);
    }

    /** A syslog source on a Unix datagram socket only. */
    public static SyslogSpec syslogUnix(String name, Path path) {
        return syslog(name, path, null, null);
    }

    public static KmsgSpec kmsg(String name, Path path, KmsgFrom from, Path stateFile) {
        return new KmsgSpec(name, path, from, stateFile, Duration.ofSeconds(1), 0, null, null);
    }

    public static FdSocketSpec fdSocket(String name, Path path) {
        return new FdSocketSpec(name, path, 0660, MAX_LINE_BYTES, Duration.ofSeconds(1), STDOUT_SUFFIXES,
                STDERR_SUFFIXES, true);
    }
}
