package dev.logrouter.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon on its built-in default config, fed by {@code logrouter write} and {@code logger}. */
class IntakeDaemonTest {

    @TempDir
    Path dir;

    @Test
    void defaultConfigTakesServiceOutputAndSyslog() throws Exception {
        Path run = dir.resolve("run");
        try (RouterProcess daemon = RouterProcess.start(run, "run")) {
            daemon.awaitOut(l -> l.contains("logrouter started"), 60);
            Path logSock = run.resolve("log.sock");
            Path syslogSock = run.resolve("syslog.sock");
            assertThat(logSock).exists();
            assertThat(syslogSock).exists();

            // no --socket: the log socket of the default config
            try (RouterProcess write = RouterProcess.start(run, "write", "-n", "demo", "--",
                    "sh", "-c", "echo to-stdout-1; echo to-stderr-1 >&2; exit 7")) {
                assertThat(write.waitFor(60)).isEqualTo(7);
                assertThat(write.out).containsExactly("to-stdout-1");
                assertThat(write.err).containsExactly("to-stderr-1");
            }
            assertThat(daemon.awaitOut(l -> l.contains("to-stdout-1"), 30)).contains("demo[stdout]");
            assertThat(daemon.awaitOut(l -> l.contains("to-stderr-1"), 30)).contains("demo[stderr]");

            Process logger = new ProcessBuilder("logger", "--socket", syslogSock.toString(), "-t", "lgr",
                    "-p", "auth.err", "from-logger").start();
            assertThat(logger.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(logger.exitValue()).isZero();
            assertThat(daemon.awaitOut(l -> l.contains("from-logger"), 30)).contains("lgr[syslog]").contains("err");

            daemon.process.toHandle().destroy();
            assertThat(daemon.waitFor(30)).isZero();
            assertThat(Files.exists(logSock)).isFalse();
            assertThat(Files.exists(syslogSock)).isFalse();
        }
        try (RouterProcess write = RouterProcess.start(run, "write", "--", "true")) {
            assertThat(write.waitFor(60)).isEqualTo(1);
            assertThat(String.join("\n", write.err)).contains("log.sock").contains("does not exist");
        }
    }

    /** Issue 9 defect 4: a second router must not take over the sockets of a running one. */
    @Test
    void aSocketServedByAnotherProcessIsRefusedAndKept() throws Exception {
        Path run = dir.resolve("run");
        Path logSock = run.resolve("log.sock");
        try (RouterProcess first = RouterProcess.start(run, "run")) {
            first.awaitOut(l -> l.contains("logrouter started"), 60);
            try (RouterProcess second = RouterProcess.start(run, "run")) {
                assertThat(second.waitFor(60)).isEqualTo(1);
                assertThat(String.join("\n", second.err))
                        .contains("cannot start")
                        .contains("another process is serving this socket");
            }
            // the first router still owns and serves its socket
            try (RouterProcess write = RouterProcess.start(run, "write", "-n", "still", "--", "echo", "first owns it")) {
                assertThat(write.waitFor(60)).isZero();
            }
            assertThat(first.awaitOut(l -> l.contains("first owns it"), 30)).contains("still");
            first.process.toHandle().destroy();
            assertThat(first.waitFor(30)).isZero();
            assertThat(Files.exists(logSock)).isFalse();
        }
    }
}
