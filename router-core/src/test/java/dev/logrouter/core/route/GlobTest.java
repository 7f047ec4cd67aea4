package dev.logrouter.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class GlobTest {

    /** A backtracking regex needs O(n^4) steps here (ReDoS); the glob matcher a few thousand. */
    @Test
    @Timeout(value = 5, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void hostilePatternAgainstLongNameAnswersPromptly() {
        String name = "a".repeat(500);
        assertThat(Glob.compile("*a*a*a*a*b").matches(name)).isFalse();
        assertThat(Glob.compile("*a*a*a*a*").matches(name)).isTrue();
        assertThat(Glob.compile("*a*a*a*a*a").matches(name)).isTrue();
        String many = "*a".repeat(200) + "*b";
        assertThat(Glob.compile(many).matches("a".repeat(100_000))).isFalse();
    }

    @Test
    void unclosedBracketIsAnErrorNamingItsPosition() {
        assertThatThrownBy(() -> Glob.compile("web[12"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unclosed '[' at position 4 in glob \"web[12\"");
        assertThatThrownBy(() -> Glob.compile("[")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Glob.compile("a[!]")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void classesRangesAndCodePoints() {
        assertThat(Glob.compile("[]a]").matches("]")).isTrue();
        assertThat(Glob.compile("[]a]").matches("a")).isTrue();
        assertThat(Glob.compile("[a-c]x").matches("bx")).isTrue();
        assertThat(Glob.compile("[a-c]x").matches("dx")).isFalse();
        assertThat(Glob.compile("[!a-c]x").matches("dx")).isTrue();
        assertThat(Glob.compile("[a-]").matches("-")).isTrue();
        assertThat(Glob.compile("x?y").matches("x\uD83D\uDE00y")).isTrue(); // one code point
        assertThat(Glob.compile("a\\b").matches("a\\b")).isTrue();
        assertThat(Glob.compile("").matches("")).isTrue();
        assertThat(Glob.compile("").matches("a")).isFalse();
        assertThat(Glob.compile("*").matches("")).isTrue();
        assertThat(Glob.compile("a*a").matches("a")).isFalse();
        assertThat(Glob.compile("a*a").matches("aa")).isTrue();
    }

    /** Agrees with a regex translation on many small random patterns and inputs. */
    @Test
    void agreesWithRegexSemantics() {
        Random rnd = new Random(9);
        String[] atoms = {"a", "b", "*", "?", "[ab]", "[!a]", "**"};
        for (int t = 0; t < 3000; t++) {
            StringBuilder g = new StringBuilder();
            StringBuilder re = new StringBuilder();
            int len = rnd.nextInt(6);
            for (int k = 0; k < len; k++) {
                String a = atoms[rnd.nextInt(atoms.length)];
                g.append(a);
                re.append(switch (a) {
                    case "*", "**" -> ".*";
                    case "?" -> ".";
                    case "[ab]" -> "[ab]";
                    case "[!a]" -> "[^a]";
                    default -> a;
                });
            }
            Glob glob = Glob.compile(g.toString());
            Pattern p = Pattern.compile(re.toString(), Pattern.DOTALL);
            for (int s = 0; s < 20; s++) {
                StringBuilder in = new StringBuilder();
                int n = rnd.nextInt(8);
                for (int k = 0; k < n; k++) {
                    in.append("abc".charAt(rnd.nextInt(3)));
                }
                assertThat(glob.matches(in.toString())).as("%s vs %s", g, in)
                        .isEqualTo(p.matcher(in).matches());
            }
        }
    }
}
