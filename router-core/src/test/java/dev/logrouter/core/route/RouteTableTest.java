package dev.logrouter.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logrouter.core.record.Level;
import dev.logrouter.core.record.LogRecord;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private static LogRecord rec(String source, String service, String stream, Level level, String msg,
                                 Map<String, Object> fields) {
        return new LogRecord(0, 1, source, service, stream, level, msg, fields, LogRecord.Kind.NORMAL);
    }

    private static RouteSpec route(Set<String> from, String service, String stream, Level level, String message,
                                   Map<String, String> fields, String... to) {
        return new RouteSpec(from, service == null ? null : Glob.compile(service), stream, level,
                message == null ? null : Pattern.compile(message), fields, List.of(to));
    }

    @Test
    void routeWithNoConditionsMatchesEverything() {
        RouteTable t = RouteTable.compile(List.of(route(null, null, null, null, null, null, "a")), List.of("a"));
        assertThat(t.match(rec("s", "x", "stdout", Level.DEBUG, "", Map.of()))).isEqualTo(1L);
    }

    @Test
    void everyConditionMustHold() {
        RouteSpec r = route(Set.of("web-src"), "web*", "stderr", Level.WARNING, "time(out|d)",
                Map.of("region", "eu"), "a");
        LogRecord good = rec("web-src", "web-1", "stderr", Level.ERR, "request timeout", Map.of("region", "eu"));
        assertThat(r.matches(good)).isTrue();
        assertThat(r.matches(rec("other", "web-1", "stderr", Level.ERR, "request timeout", Map.of("region", "eu")))).isFalse();
        assertThat(r.matches(rec("web-src", "db", "stderr", Level.ERR, "request timeout", Map.of("region", "eu")))).isFalse();
        assertThat(r.matches(rec("web-src", "web-1", "stdout", Level.ERR, "request timeout", Map.of("region", "eu")))).isFalse();
        assertThat(r.matches(rec("web-src", "web-1", "stderr", Level.NOTICE, "request timeout", Map.of("region", "eu")))).isFalse();
        assertThat(r.matches(rec("web-src", "web-1", "stderr", Level.WARNING, "request timeout", Map.of("region", "eu")))).isTrue();
        assertThat(r.matches(rec("web-src", "web-1", "stderr", Level.ERR, "request ok", Map.of("region", "eu")))).isFalse();
        assertThat(r.matches(rec("web-src", "web-1", "stderr", Level.ERR, "request timeout", Map.of("region", "us")))).isFalse();
        assertThat(r.matches(rec("web-src", "web-1", "stderr", Level.ERR, "request timeout", Map.of()))).isFalse();
    }

    @Test
    void fieldValuesCompareAsText() {
        RouteSpec r = route(null, null, null, null, null, Map.of("seq", "42"), "a");
        assertThat(r.matches(rec("k", "kernel", "kernel", Level.INFO, "", Map.of("seq", 42L)))).isTrue();
    }

    @Test
    void aRecordGoesToEachSinkOnceEvenWhenSeveralRoutesMatch() {
        RouteTable t = RouteTable.compile(List.of(
                route(null, "web*", null, null, null, null, "disk", "net"),
                route(null, null, "stderr", null, null, null, "disk"),
                route(null, null, null, Level.ERR, null, null, "alerts")), List.of("disk", "net", "alerts"));
        long mask = t.match(rec("s", "web", "stderr", Level.INFO, "", Map.of()));
        assertThat(Long.bitCount(mask)).isEqualTo(2);
        assertThat(mask).isEqualTo(0b011L);
        assertThat(t.match(rec("s", "db", "stdout", Level.CRIT, "", Map.of()))).isEqualTo(0b100L);
        assertThat(t.match(rec("s", "db", "stdout", Level.INFO, "", Map.of()))).isZero();
    }

    @Test
    void unknownSinkIsRejected() {
        assertThatThrownBy(() -> RouteTable.compile(List.of(route(null, null, null, null, null, null, "nope")),
                List.of("a"))).hasMessageContaining("nope");
    }

    @Test
    void starGlobsMatchWithoutARegexAsTheJdksGlobDoes() {
        List<String> globs = List.of("web", "web*", "*web", "*web*", "w*b", "a*a", "*", "**", "a**b", "*-db-*-x",
                "onboot.*.out", "", "a*b*c");
        List<String> names = List.of("", "web", "web-1", "xweb", "wb", "weeb", "a", "aa", "aba", "ab", "acb",
                "x-db-y-x", "x-db--x", "-db-x", "onboot.001-dhcpcd.out", "onboot.out", "abc", "acbc", "cba");
        for (String g : globs) {
            java.nio.file.PathMatcher oracle = java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + g);
            for (String n : names) {
                assertThat(Glob.compile(g).matches(n)).as("%s ~ %s", g, n)
                        .isEqualTo(!n.isEmpty() && oracle.matches(java.nio.file.Path.of(n)) || n.isEmpty() && g.replace("*", "").isEmpty());
            }
        }
    }

    @Test
    void dispatchRunsTheFirstMatchingRoutesTransformsOncePerSink() {
        dev.logrouter.core.transform.TransformChain tag = dev.logrouter.core.transform.TransformChain.compile(
                List.of(new dev.logrouter.core.transform.TransformSpec.AddFields(Map.of("via", "first"))), "route 0");
        RouteSpec first = new RouteSpec(null, Glob.compile("web*"), null, null, null, null, List.of("a", "b"), tag);
        RouteSpec second = new RouteSpec(null, null, null, null, null, null, List.of("b", "c"));
        RouteTable t = RouteTable.compile(List.of(first, second), List.of("a", "b", "c"));
        assertThat(t.hasTransforms()).isTrue();
        List<String> got = new java.util.ArrayList<>();
        t.dispatch(LogRecord.of(1, "s", "web-1", "stdout", Level.INFO, "m"),
                (sink, r) -> got.add(sink + ":" + r.fields().getOrDefault("via", "-")));
        assertThat(got).containsExactly("0:first", "1:first", "2:-");
    }

    @Test
    void globs() {
        assertThat(Glob.compile("web*").matches("web-1")).isTrue();
        assertThat(Glob.compile("web*").matches("xweb")).isFalse();
        assertThat(Glob.compile("onboot.00?-*").matches("onboot.001-dhcpcd")).isTrue();
        assertThat(Glob.compile("[ab]x").matches("bx")).isTrue();
        assertThat(Glob.compile("[!ab]x").matches("bx")).isFalse();
        assertThat(Glob.compile("a.b").matches("axb")).isFalse();
        assertThat(Glob.compile("a+(b)").matches("a+(b)")).isTrue();
    }
}
