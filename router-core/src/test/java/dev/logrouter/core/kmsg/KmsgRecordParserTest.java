package dev.logrouter.core.kmsg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KmsgRecordParserTest {

    private static final long BOOT = 1_700_000_000_123_456_000L;
    private final KmsgRecordParser parser = new KmsgRecordParser("kernel-src");

    private LogRecord parse(String s) {
        return parser.parse(s.getBytes(StandardCharsets.UTF_8), BOOT);
    }

    /** Found by fuzzing: a dictionary key " clock=..." replaced the header's clock, and so the state file's position. */
    @Test
    void dictionaryKeyNamedLikeAHeaderFieldDoesNotReplaceIt() {
        LogRecord r = parse("7,320,424069,-;pci probe\n clock=acpi\n seq=x\n dict.seq=y\n DEVICE=+acpi:PNP0A03:00\n");
        assertThat(KmsgRecordParser.isMalformed(r)).isFalse();
        assertThat(KmsgRecordParser.seqOf(r)).isEqualTo(320);
        assertThat(KmsgRecordParser.clockOf(r)).isEqualTo(424069);
        assertThat(r.fields()).containsEntry("dict.clock", "acpi").containsEntry("dict.seq", "x")
                .containsEntry("dict.dict.seq", "y").containsEntry("DEVICE", "+acpi:PNP0A03:00");
    }

    /** A timestamp within the 2^53 µs limit that still overflows boot + usec in epoch nanoseconds. */
    @Test
    void timestampThatWouldOverflowTheRecordTimeIsMalformed() {
        LogRecord r = parse("6,7,9007199254740992,-;too late\n");
        assertThat(KmsgRecordParser.isMalformed(r)).isTrue();
        assertThat(r.fields()).containsEntry(FieldNames.PARSE_ERROR, "bad timestamp");
        assertThat(r.time()).isPositive();
        LogRecord ok = parse("6,8,7000000000000000,-;still fine\n");
        assertThat(KmsgRecordParser.isMalformed(ok)).isFalse();
        assertThat(ok.time()).isEqualTo(BOOT + 7_000_000_000_000_000_000L);
    }

    @Test
    void typicalRecord() {
        LogRecord r = parse("6,339,5140900,-;NET: Registered protocol family 10\n");
        assertThat(r.msg()).isEqualTo("NET: Registered protocol family 10");
        assertThat(r.service()).isEqualTo("kernel");
        assertThat(r.stream()).isEqualTo("kernel");
        assertThat(r.source()).isEqualTo("kernel-src");
        assertThat(r.level()).isEqualTo(Level.INFO);
        assertThat(r.kind()).isEqualTo(LogRecord.Kind.NORMAL);
        assertThat(r.time()).isEqualTo(BOOT + 5_140_900_000L);
        assertThat(r.fields()).containsExactly(
                Map.entry("facility", "kern"), Map.entry("priority", "info"),
                Map.entry("seq", 339L), Map.entry("clock", 5_140_900L));
        assertThat(KmsgRecordParser.seqOf(r)).isEqualTo(339);
        assertThat(KmsgRecordParser.clockOf(r)).isEqualTo(5_140_900);
        assertThat(KmsgRecordParser.isMalformed(r)).isFalse();
        assertThat(parser.malformed()).isZero();
    }

    @Test
    void dictionaryAndCallerBecomeFieldsInOrder() {
        LogRecord r = parse("4,1201,9081234,-,caller=T412;usb 1-1: device descriptor read/64, error -71\n"
                + " SUBSYSTEM=usb\n DEVICE=c189:0\n");
        assertThat(r.msg()).isEqualTo("usb 1-1: device descriptor read/64, error -71");
        assertThat(r.level()).isEqualTo(Level.WARNING);
        assertThat(r.fields()).containsExactly(
                Map.entry("facility", "kern"), Map.entry("priority", "warning"),
                Map.entry("seq", 1201L), Map.entry("clock", 9_081_234L),
                Map.entry("SUBSYSTEM", "usb"), Map.entry("DEVICE", "c189:0"), Map.entry("caller", "T412"));
    }

    @Test
    void repeatedDictionaryKeyKeepsItsPlaceWithTheLastValue() {
        LogRecord r = parse("6,1,2,-;m\n A=1\n B=2\n A=3\n");
        assertThat(r.fields().keySet()).containsExactly("facility", "priority", "seq", "clock", "A", "B");
        assertThat(r.fields().get("A")).isEqualTo("3");
    }

    @Test
    void escapesAreDecodedInTextAndValues() {
        LogRecord r = parse("6,1207,9600444,-;multi\\x0aline \\x5c caf\\xc3\\xa9 \\x4A\\x09tab\n"
                + " TAG=v \\x5c caf\\xc3\\xa9\\x0a\n");
        assertThat(r.msg()).isEqualTo("multi\nline \\ café J\ttab");
        assertThat(r.fields().get("TAG")).isEqualTo("v \\ café\n");
    }

    @Test
    void specialBytesAreFoundAtEveryPositionOfTheWordScan() {
        // the text is scanned eight bytes at a time: put each special byte at every offset
        for (int len = 1; len <= 40; len++) {
            for (int at = 0; at < len; at++) {
                String before = "a".repeat(at);
                String after = "b".repeat(len - at - 1);
                assertThat(parse("6,1,2,-;" + before + "\\x41" + after + "\n").msg()).isEqualTo(before + "A" + after);
                assertThat(parse("6,1,2,-;" + before + "\u00e9" + after + "\n").msg()).isEqualTo(before + "\u00e9" + after);
                LogRecord dict = parse("6,1,2,-;" + before + "\n K=" + after + "\n");
                assertThat(dict.msg()).isEqualTo(before);
                assertThat(dict.fields().get("K")).isEqualTo(after);
                assertThat(parse("6,1,2,-;" + before + "~" + after).msg()).isEqualTo(before + "~" + after);
            }
        }
        assertThat(parser.malformed()).isZero();
    }

    @Test
    void invalidEscapesAreKeptAsWritten() {
        assertThat(parse("6,1,2,-;a\\xZZb \\x4 \\y \\").msg()).isEqualTo("a\\xZZb \\x4 \\y \\");
        assertThat(parse("6,1,2,-;end\\x4").msg()).isEqualTo("end\\x4");
        assertThat(parser.malformed()).isZero();
    }

    @Test
    void invalidUtf8BecomesReplacementCharacter() {
        assertThat(parse("6,1,2,-;bad \\xff\\xfe byte").msg()).isEqualTo("bad \uFFFD\uFFFD byte");
    }

    /**
     * Go's rule, as Talos's json.Marshal writes a kernel record and as the line framer decodes: one U+FFFD
     * per byte that does not start a valid sequence (a surrogate encoding, an overlong form, a cut
     * sequence), where the JDK's decoder writes one per sequence.
     */
    @Test
    void invalidUtf8GivesOneReplacementPerInvalidByteAsGoDoes() {
        assertThat(parse("6,1,2,-;a\\xed\\xa0\\x80b").msg()).isEqualTo("a\uFFFD\uFFFD\uFFFDb");
        assertThat(parse("6,1,2,-;over\\xc0\\xafx cut\\xe2\\x82 caf\\xc3\\xa9").msg())
                .isEqualTo("over\uFFFD\uFFFDx cut\uFFFD\uFFFD café");
        // raw bytes (not escaped by the kernel, as a fixture or an old kernel may give them)
        byte[] raw = {'6', ',', '1', ',', '2', ',', '-', ';', 'a', (byte) 0xed, (byte) 0xa0, (byte) 0x80, 'b', '\n',
            ' ', 'K', '=', 'v', (byte) 0xf0, (byte) 0x80, '\n'};
        LogRecord r = parser.parse(raw, BOOT);
        assertThat(r.msg()).isEqualTo("a\uFFFD\uFFFD\uFFFDb");
        assertThat(r.fields()).containsEntry("K", "v\uFFFD\uFFFD");
        assertThat(parse("6,1,2,-;x\n K=\\xed\\xa0\\x80\n").fields()).containsEntry("K", "\uFFFD\uFFFD\uFFFD");
        // a malformed record keeps its raw text, decoded the same way
        byte[] bad = {'n', 'o', ' ', 'h', 'e', 'a', 'd', 'e', 'r', (byte) 0xed, (byte) 0xa0, (byte) 0x80};
        LogRecord m = parser.parse(bad, BOOT);
        assertThat(KmsgRecordParser.isMalformed(m)).isTrue();
        assertThat(m.msg()).isEqualTo("no header\uFFFD\uFFFD\uFFFD");
    }

    @Test
    void rawControlBytesAndNulAreKept() {
        LogRecord r = parser.parse(new byte[] {'6', ',', '1', ',', '2', ',', '-', ';', 'a', 0, 'b', 9, 'c'}, BOOT);
        assertThat(r.msg()).isEqualTo("a\0b\tc");
    }

    @Test
    void everyFacilityAndLevelHasItsName() {
        String[] levels = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};
        String[] facilities = {"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
            "authpriv", "ftp", "ntp", "security", "console", "solaris-cron",
            "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};
        for (int f = 0; f < facilities.length; f++) {
            for (int l = 0; l < 8; l++) {
                LogRecord r = parse((f * 8 + l) + ",5,6,-;x\n");
                assertThat(r.fields().get("facility")).isEqualTo(facilities[f]);
                assertThat(r.fields().get("priority")).isEqualTo(levels[l]);
                assertThat(r.level()).isEqualTo(Level.ofCode(l));
                assertThat(r.level().label()).isEqualTo(levels[l]);
            }
        }
        LogRecord high = parse((25 * 8 + 3) + ",5,6,-;x");
        assertThat(high.fields().get("facility")).isEqualTo("25");
        assertThat(high.level()).isEqualTo(Level.ERR);
    }

    @Test
    void sequenceNumbersAre64Bit() {
        assertThat(KmsgRecordParser.seqOf(parse("6,1099511627776,1,-;x"))).isEqualTo(1L << 40);
        assertThat(KmsgRecordParser.seqOf(parse("6," + Long.MAX_VALUE + ",1,-;x"))).isEqualTo(Long.MAX_VALUE);
        LogRecord over = parse("6,18446744073709551615,1,-;x");
        assertThat(over.fields().get("parse_error")).isEqualTo("bad sequence number");
    }

    @Test
    void fragmentFlagsAreKeptAndUnknownHeaderFieldsIgnored() {
        assertThat(parse("7,1,2,c;start").fields().get("flags")).isEqualTo("c");
        assertThat(parse("7,1,2,+;cont").fields().get("flags")).isEqualTo("+");
        assertThat(parse("7,1,2,-;normal").fields()).doesNotContainKey("flags");
        LogRecord r = parse("14,1211,9900777,-,caller=T1,future=ignored,x;audit: type=1400");
        assertThat(r.fields()).containsEntry("caller", "T1").doesNotContainKeys("future", "x");
        assertThat(r.msg()).isEqualTo("audit: type=1400");
        assertThat(r.fields().get("facility")).isEqualTo("user");
        // flags omitted entirely: accepted as normal
        assertThat(parse("6,1,2;no flags").msg()).isEqualTo("no flags");
    }

    @Test
    void textEdgeCases() {
        assertThat(parse("6,1,2,-;").msg()).isEmpty();
        assertThat(parse("6,1,2,-;\n").msg()).isEmpty();
        assertThat(parse("6,1,2,-;no newline").msg()).isEqualTo("no newline");
        assertThat(parse("6,1,2,-;semi;colons; kept\n").msg()).isEqualTo("semi;colons; kept");
        assertThat(parse("6,1,2,-;value=with=equals\n K=a=b\n").fields().get("K")).isEqualTo("a=b");
        assertThat(parse("6,1,2,-;ünïcödé raw\n").msg()).isEqualTo("ünïcödé raw");
        assertThat(parser.malformed()).isZero();
    }

    @Test
    void offsetAndLengthAreHonoured() {
        byte[] b = "XXXX6,7,8,-;inner\nYYYY".getBytes(StandardCharsets.US_ASCII);
        LogRecord r = parser.parse(b, 4, 14, BOOT);
        assertThat(r.msg()).isEqualTo("inner");
        assertThat(KmsgRecordParser.seqOf(r)).isEqualTo(7);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "hello world", "6,12", "6,12;x", "6;x", "x,1,2,-;m", "6,-1,2,-;m",
        "6,1,abc,-;m", "6,1,2,-", "6,1,2-;m", ",1,2,-;m", "6,,2,-;m", "6,1,,-;m", "99999999999,1,2,-;m",
        "6,1,99999999999999999999,-;m", "6,1\n,2,-;m"})
    void garbageIsKeptWithAParseError(String text) {
        LogRecord r = parse(text);
        assertThat(r).isNotNull();
        assertThat(KmsgRecordParser.isMalformed(r)).isTrue();
        assertThat((String) r.fields().get("parse_error")).isNotBlank();
        String raw = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        assertThat(r.msg()).isEqualTo(raw);
        assertThat(r.service()).isEqualTo("kernel");
        assertThat(r.kind()).isEqualTo(LogRecord.Kind.NORMAL);
        assertThat(parser.malformed()).isEqualTo(1);
    }

    @Test
    void badContinuationLinesKeepTheHeaderFields() {
        LogRecord a = parse("3,44,55,-;msg\nnot a continuation\n");
        assertThat(a.fields()).containsEntry("seq", 44L).containsEntry("clock", 55L)
                .containsEntry("parse_error", "continuation line does not start with a space");
        assertThat(a.level()).isEqualTo(Level.ERR);
        assertThat(a.msg()).isEqualTo("3,44,55,-;msg\nnot a continuation");
        assertThat(a.time()).isEqualTo(BOOT + 55_000);
        LogRecord b = parse("6,45,56,-;msg\n SUBSYSTEM\n");
        assertThat(b.fields().get("parse_error")).isEqualTo("continuation line is not KEY=value");
        LogRecord c = parse("6,46,57,-;msg\n =value\n");
        assertThat(c.fields().get("parse_error")).isEqualTo("continuation line is not KEY=value");
        assertThat(KmsgRecordParser.seqOf(c)).isEqualTo(46);
        assertThat(parser.malformed()).isEqualTo(3);
    }

    @Test
    void truncatedHeaderWithoutNumbersHasNoKernelFields() {
        LogRecord r = parse("6,12;x");
        assertThat(r.fields()).containsOnlyKeys("parse_error");
        assertThat(r.fields().get("parse_error")).isEqualTo("truncated header: no timestamp");
        assertThat(r.level()).isEqualTo(Level.INFO);
        assertThat(KmsgRecordParser.seqOf(r)).isEqualTo(-1);
    }

    @Test
    void randomBytesNeverThrow() {
        Random rnd = new Random(42);
        byte[] alphabet = "0123456789,;-+c=\\x \nabcdef\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[rnd.nextInt(64)];
            for (int j = 0; j < b.length; j++) {
                b[j] = rnd.nextInt(4) == 0 ? (byte) rnd.nextInt(256) : alphabet[rnd.nextInt(alphabet.length)];
            }
            LogRecord r = parser.parse(b, BOOT);
            assertThat(r).isNotNull();
            assertThat(r.msg()).isNotNull();
        }
    }

    @Test
    void realWorldCorpusParsesCleanly() throws IOException {
        List<String> groups = recordGroups(resource("/kmsg/corpus.txt"));
        assertThat(groups).hasSize(15);
        List<LogRecord> records = new ArrayList<>();
        for (String g : groups) {
            records.add(parse(g));
        }
        assertThat(parser.malformed()).isZero();
        long prev = -1;
        for (LogRecord r : records) {
            assertThat(KmsgRecordParser.seqOf(r)).isGreaterThan(prev);
            prev = KmsgRecordParser.seqOf(r);
            assertThat(r.msg()).doesNotEndWith("\n");
        }
        assertThat(records.get(0).msg()).isEqualTo("rcu: \tRCU restricting CPUs from NR_CPUS=256 to nr_cpu_ids=2.");
        assertThat(records.get(2).fields()).containsEntry("SUBSYSTEM", "acpi").containsEntry("DEVICE", "+acpi:PNP0A08:00");
        assertThat(records.get(5).fields()).containsEntry("caller", "C1").containsEntry("priority", "err");
        assertThat(records.get(7).fields()).containsEntry("facility", "user").containsEntry("priority", "notice");
        assertThat(records.get(8).fields()).containsEntry("facility", "daemon");
        assertThat(records.get(9).level()).isEqualTo(Level.ALERT);
        assertThat(records.get(10).msg()).isEqualTo("multi\nline message with a backslash \\ and UTF-8 café");
        assertThat(records.get(10).fields()).containsEntry("TAG", "value with \\ and café");
        assertThat(records.get(11).level()).isEqualTo(Level.EMERG);
        assertThat(records.get(12).fields()).containsEntry("flags", "c");
        assertThat(records.get(13).fields()).containsEntry("flags", "+");
    }

    static String resource(String name) throws IOException {
        try (InputStream in = KmsgRecordParserTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Splits device text into records: a header line plus the following lines that start with a space. */
    static List<String> recordGroups(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = null;
        for (String line : text.split("\n")) {
            if (line.startsWith(" ") && cur != null) {
                cur.append(line).append('\n');
            } else if (!line.isEmpty()) {
                if (cur != null) {
                    out.add(cur.toString());
                }
                cur = new StringBuilder(line).append('\n');
            }
        }
        if (cur != null) {
            out.add(cur.toString());
        }
        return out;
    }
}
