package dev.logrouter.core.kmsg;

import dev.logrouter.core.testsupport.TestSpecs;
import dev.logrouter.core.record.LogRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Child-process entry point of {@link KmsgPermissionTest}: runs a kmsg source on /dev/kmsg (read
 * only) and prints {@code service|level|msg} of every record it gets within 5 s.
 */
public final class KmsgPermissionProbe {

    private KmsgPermissionProbe() {
    }

    public static void main(String[] args) {
        List<LogRecord> got = new KmsgSource(TestSpecs.kmsg("kernel", Path.of("/dev/kmsg"), KmsgFrom.START, null))
                .records().take(Duration.ofSeconds(5)).collectList().block(Duration.ofSeconds(10));
        for (LogRecord r : got) {
            System.out.println(r.service() + "|" + r.level().label() + "|" + r.msg());
        }
        System.exit(0);
    }
}
