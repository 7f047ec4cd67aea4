package dev.logrouter.core.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logrouter.core.record.FieldNames;
import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyslogParserTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    /** 2026-11-22T02:00:00Z */
    private static final long NOW = OffsetDateTime.of(2026, 11, 22, 2, 0, 0, 0, ZoneOffset.UTC).toEpochSecond()
            * 1_000_000_000L;

    private final SyslogParser parser = new SyslogParser(UTC);

    private SyslogParser.Parsed parse(String s) {
        return parser.parse(s.getBytes(StandardCharsets.UTF_8), NOW, "sys");
    }

    private static long epochNanos(int y, int mo, int d, int h, int mi, int s) {
        return LocalDateTime.of(y, mo, d, h, mi, s).toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L;
    }

    @Test
    void glibcLocalFormWithoutHost() {
        SyslogParser.Parsed p = parse("<30>Nov 22 01:02:03 dhcpcd[412]: eth0: leased 10.0.0.5\n");
        LogRecord r = p.record();
        assertThat(p.ok()).isTrue();
        assertThat(r.service()).isEqualTo("dhcpcd");
        assertThat(r.stream()).isEqualTo("syslog");
        assertThat(r.source()).isEqualTo("sys");
        assertThat(r.level()).isEqualTo(Level.INFO);
        assertThat(r.msg()).isEqualTo("eth0: leased 10.0.0.5");
        assertThat(r.time()).isEqualTo(epochNanos(2026, 11, 22, 1, 2, 3));
        assertThat(r.fields()).containsExactly(Map.entry("facility", "daemon"), Map.entry("app", "dhcpcd"),
                Map.entry("pid", 412L));
    }

    @Test
    void rfc3164WithHostAndSpacePaddedDay() {
        LogRecord r = parse("<13>Nov  2 11:22:33 web01 myapp: hello world").record();
        assertThat(r.service()).isEqualTo("myapp");
        assertThat(r.level()).isEqualTo(Level.NOTICE);
        assertThat(r.msg()).isEqualTo("hello world");
        assertThat(r.time()).isEqualTo(epochNanos(2026, 11, 2, 11, 22, 33));
        assertThat(r.fields()).containsExactly(Map.entry("facility", "user"), Map.entry("host", "web01"),
                Map.entry("app", "myapp"));
    }

    @Test
    void decemberMessageReadInJanuaryIsLastYear() {
        long jan2 = epochNanos(2027, 1, 2, 0, 0, 0);
        LogRecord r = parser.parse("<13>Dec 31 23:59:59 x: y".getBytes(StandardCharsets.UTF_8), jan2, "s").record();
        assertThat(r.time()).isEqualTo(epochNanos(2026, 12, 31, 23, 59, 59));
    }

    @Test
    void rfc5424WithStructuredData() {
        String m = "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
                + "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 class=\"high\"]"
                + " \uFEFFAn application event log entry...";
        SyslogParser.Parsed p = parse(m);
        LogRecord r = p.record();
        assertThat(p.ok()).isTrue();
        assertThat(r.level()).isEqualTo(Level.NOTICE);
        assertThat(r.service()).isEqualTo("evntslog");
        assertThat(r.msg()).isEqualTo("An application event log entry...");
        assertThat(r.time()).isEqualTo(OffsetDateTime.parse("2003-10-11T22:14:15.003Z").toEpochSecond() * 1_000_000_000L
                + 3_000_000L);
        assertThat(r.fields()).containsExactly(
                Map.entry("facility", "local4"),
                Map.entry("host", "mymachine.example.com"),
                Map.entry("app", "evntslog"),
                Map.entry("msgid", "ID47"),
                Map.entry("sd.exampleSDID@32473.iut", "3"),
                Map.entry("sd.exampleSDID@32473.eventSource", "Application"),
                Map.entry("sd.exampleSDID@32473.eventID", "1011"),
                Map.entry("sd.examplePriority@32473.class", "high"));
    }

    @Test
    void rfc5424NilValuesEscapesAndOffsets() {
        LogRecord r = parse("<14>1 2024-07-02T19:22:51.974497577+02:00 - - 1234 - [a k=\"q\\\"uo\\]te\\\\\"] msg").record();
        assertThat(r.service()).isEqualTo("syslog");
        assertThat(r.fields()).containsExactly(Map.entry("facility", "user"), Map.entry("pid", 1234L),
                Map.entry("sd.a.k", "q\"uo]te\\"));
        assertThat(r.time() % 1_000_000_000L).isEqualTo(974497577L);
        assertThat(r.msg()).isEqualTo("msg");
        LogRecord noMsg = parse("<14>1 - host app - - -").record();
        assertThat(noMsg.msg()).isEmpty();
        assertThat(noMsg.time()).isEqualTo(NOW);
    }

    @Test
    void unparseableInputIsKeptRawWithAReason() {
        SyslogParser.Parsed p = parse("just some text\n");
        assertThat(p.ok()).isFalse();
        assertThat(p.record().msg()).isEqualTo("just some text");
        assertThat(p.record().fields()).containsEntry(FieldNames.PARSE_ERROR, "no <PRI> at the start");
        assertThat(p.record().time()).isEqualTo(NOW);
        assertThat(parse("<999>x").record().fields()).containsKey(FieldNames.PARSE_ERROR);
        assertThat(parse("<abc>x").ok()).isFalse();
        assertThat(parse("").record().fields()).containsEntry(FieldNames.PARSE_ERROR, "empty message");
        // broken structured data: kept, with a reason
        SyslogParser.Parsed sd = parse("<14>1 - h a - - [broken");
        assertThat(sd.ok()).isFalse();
        assertThat(sd.record().msg()).isEqualTo("[broken");
        byte[] garbage = {'<', '1', '3', '>', (byte) 0xff, (byte) 0xfe, 0, 1, 2};
        LogRecord g = parser.parse(garbage, NOW, "s").record();
        assertThat(g.msg()).contains("\uFFFD");
    }

    @Test
    void messageWithoutTimestampOrTag() {
        LogRecord r = parse("<13>hello there").record();
        assertThat(r.msg()).isEqualTo("hello there");
        assertThat(r.service()).isEqualTo("syslog");
        assertThat(r.time()).isEqualTo(NOW);
        LogRecord t = parse("<13>tag: no timestamp").record();
        assertThat(t.service()).isEqualTo("tag");
        assertThat(t.msg()).isEqualTo("no timestamp");
        LogRecord iso = parse("<13>2026-11-22T01:00:00Z host prog[7]: iso stamp").record();
        assertThat(iso.time()).isEqualTo(epochNanos(2026, 11, 22, 1, 0, 0));
        assertThat(iso.fields()).containsEntry("host", "host").containsEntry("pid", 7L);
        assertThat(iso.msg()).isEqualTo("iso stamp");
    }

    @Test
    void truncatedFlagIsAField() {
        LogRecord r = parser.parse("<13>Nov 22 01:02:03 a: b".getBytes(StandardCharsets.UTF_8), 0, 24, NOW, "s", true)
                .record();
        assertThat(r.fields()).containsEntry(FieldNames.TRUNCATED, true);
    }

    /** Found by fuzzing: years after 2262 overflowed the epoch nanoseconds into a wrong time. */
    @Test
    void timestampOutsideWhatEpochNanosHoldIsReportedNotWrapped() {
        SyslogParser.Parsed p = parse("<13>1 4048-07-02T21:22:51.123456+02:00 h app 42 - - msg");
        assertThat(p.ok()).isFalse();
        assertThat(p.record().time()).isEqualTo(NOW);
        assertThat(p.record().fields()).containsEntry(FieldNames.PARSE_ERROR,
                "bad RFC 5424 timestamp '4048-07-02T21:22:51.123456+02:00'");
        assertThat(p.record().msg()).isEqualTo("msg");

        LogRecord old = parse("<13>1 1600-01-01T00:00:00Z h app - - - ancient").record();
        assertThat(old.time()).isEqualTo(NOW);
        assertThat(old.fields()).containsKey(FieldNames.PARSE_ERROR);

        LogRecord iso3164 = parse("<165>2654-07-02T19:22:51.123Z host app: far future").record();
        assertThat(iso3164.time()).isEqualTo(NOW);
    }
}
