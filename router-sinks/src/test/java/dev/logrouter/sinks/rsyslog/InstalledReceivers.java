package dev.logrouter.sinks.rsyslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks that the real receivers (socat, rsyslogd) are installed. Tests never install packages:
 * {@code .ci/install-receivers} does, and the README's test command runs it before the suite.
 */
public final class InstalledReceivers {

    private InstalledReceivers() {
    }

    public static void ensure() {
        assertThat(Files.isExecutable(Path.of("/usr/sbin/rsyslogd")) && onPath("socat"))
                .as("socat and rsyslogd must be installed: run .ci/install-receivers (the README's test command "
                        + "`.ci/install-receivers && mvn -B verify` does)")
                .isTrue();
    }

    private static boolean onPath(String cmd) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, cmd))) {
                return true;
            }
        }
        return false;
    }
}
