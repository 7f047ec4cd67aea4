package dev.logrouter.bench.kmsg;

import dev.logrouter.bench.ThreadCpuClock;
import dev.logrouter.core.kmsg.KmsgRecordParser;
import dev.logrouter.core.record.LogRecord;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link KmsgRecordParser} throughput: one op = one record parsed into a {@link LogRecord}.
 * {@code typical}: ~80-byte kernel lines without dictionary; {@code withDictionary}: lines with
 * SUBSYSTEM/DEVICE continuation lines and an escape. Target: at least 2 M records/s for typical lines.
 * Each iteration also prints records per CPU-second of the benchmark thread ({@link ThreadCpuClock}),
 * the figure that holds on a shared machine.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class KmsgParserBenchmark {

    private static final String[] TYPICAL = {
        "6,1204,9300111,-;e1000e 0000:00:1f.6 eth0: NIC Link is Up 1000 Mbps Full Duplex\n",
        "4,1205,9300222,-;usb 1-1: device descriptor read/64, error -71 on port 3 hub 1\n",
        "6,1206,9300333,-;EXT4-fs (nvme0n1p2): mounted filesystem with ordered data mode\n",
        "3,1207,9300444,-;nvme nvme0: I/O 12 QID 3 timeout, aborting request 0x4f, cid 7\n",
        "6,1208,9300555,-;IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready now ok\n",
        "5,1209,9300666,-;audit: type=1400 audit(1700000000.123:42): apparmor=\"DENIED\"\n",
        "6,1210,9300777,-;systemd-journald[233]: Received client request to flush log\n",
        "7,1211,9300888,-;random: crng init done, entropy pool fully seeded at boot\n",
    };

    private static final String[] WITH_DICTIONARY = {
        "6,2001,153014,-;acpi PNP0A08:00: _OSC: OS supports [ExtendedConfig ASPM ClockPM]\n"
            + " SUBSYSTEM=acpi\n DEVICE=+acpi:PNP0A08:00\n",
        "6,2002,153018,-;pci_bus 0000:00: root bus resource [mem 0xeec00000-0xeecfffff]\n"
            + " SUBSYSTEM=pci_bus\n DEVICE=+pci_bus:0000:00\n",
        "4,2003,9081234,-,caller=T412;usb 1-1: new high-speed USB device number 2\\x0a\n"
            + " SUBSYSTEM=usb\n DEVICE=c189:1\n",
    };

    private byte[][] typical;
    private byte[][] withDictionary;
    private int i;
    private int j;
    private KmsgRecordParser parser;
    private long parsed;
    private final ThreadCpuClock clock = new ThreadCpuClock();

    @Setup
    public void setup() {
        typical = encode(TYPICAL);
        withDictionary = encode(WITH_DICTIONARY);
        parser = new KmsgRecordParser("kernel");
    }

    private static byte[][] encode(String[] lines) {
        byte[][] out = new byte[lines.length][];
        for (int k = 0; k < lines.length; k++) {
            out[k] = lines[k].getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        parsed = 0;
        clock.start();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        clock.print("parser", parsed, "records");
    }

    @Benchmark
    public LogRecord typical() {
        parsed++;
        byte[] b = typical[i++ & 7];
        return parser.parse(b, 0, b.length, 1_700_000_000_000_000_000L);
    }

    @Benchmark
    public LogRecord withDictionary() {
        parsed++;
        byte[] b = withDictionary[j++ % 3];
        return parser.parse(b, 0, b.length, 1_700_000_000_000_000_000L);
    }
}
