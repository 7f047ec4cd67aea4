package dev.logrouter.core.kmsg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real "no permission" case: as root, runs a child JVM as user nobody (setpriv) against
 * /dev/kmsg with kernel.dmesg_restrict=1, where the kernel refuses the open. Read-only.
 */
class KmsgPermissionTest {

    @TempDir
    Path tmp;

    @Test
    void unprivilegedUserGetsOneClearErrorRecord() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to switch to nobody");
        assumeTrue(Files.exists(Path.of("/dev/kmsg")), "no /dev/kmsg");
        assumeTrue("1".equals(read("/proc/sys/kernel/dmesg_restrict")), "dmesg_restrict is not 1");
        Path setpriv = Path.of("/usr/bin/setpriv");
        assumeTrue(Files.isExecutable(setpriv), "setpriv (util-linux) not installed");

        // the test classpath lives under /root: copy it where nobody can read it
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> cp = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path src = Path.of(entry);
            if (!Files.exists(src)) {
                continue;
            }
            Path dst = tmp.resolve("cp" + n++ + (Files.isDirectory(src) ? "" : ".jar"));
            copy(src, dst);
            cp.add(dst.toString());
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = tmp.resolve("out.txt");
        Process p = new ProcessBuilder(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups",
                java, "-cp", String.join(File.pathSeparator, cp), KmsgPermissionProbe.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("probe finished").isTrue();
        } finally {
            p.destroyForcibly();
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        List<String> records = output.lines().filter(l -> l.startsWith("logrouter|") || l.startsWith("kernel|"))
                .toList();
        assertThat(records).as(output).hasSize(1);
        assertThat(records.get(0)).startsWith("logrouter|err|kmsg source 'kernel': no permission to read /dev/kmsg")
                .contains("CAP_SYSLOG").contains("kernel.dmesg_restrict=1");
        assertThat(p.exitValue()).isZero();
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static void copy(Path src, Path dst) throws IOException {
        if (!Files.isDirectory(src)) {
            Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES);
            Files.setPosixFilePermissions(dst, PosixFilePermissions.fromString("rw-r--r--"));
            return;
        }
        try (Stream<Path> walk = Files.walk(src)) {
            for (Path s : (Iterable<Path>) walk::iterator) {
                Path d = dst.resolve(src.relativize(s).toString());
                if (Files.isDirectory(s)) {
                    Files.createDirectories(d);
                    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(s, d);
                    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
    }
}
