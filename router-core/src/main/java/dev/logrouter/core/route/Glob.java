package dev.logrouter.core.route;

import java.util.ArrayList;
import java.util.List;

/**
 * Shell-style glob: {@code *} (any run of characters), {@code ?} (one character), {@code [abc]},
 * {@code [a-z]} and {@code [!abc]} (one character in or not in the set; a {@code ]} right after
 * {@code [} or {@code [!} is a member). Characters are Unicode code points.
 *
 * <p>Matching never backtracks: the pattern is split at its stars into fixed-length segments; the
 * first must match at the start, the last at the end, and each one between is taken at its leftmost
 * place after the previous one (taking it further right can only leave less room for the rest). A
 * match costs at most input length × pattern length steps, so a hostile pattern or name cannot pin a
 * CPU (a regex like {@code .*a.*a.*a.*b} is polynomial in the input).
 */
public final class Glob {

    private final String text;
    /** Fixed-length runs of single-character matchers, split at the stars. */
    private final Matcher[][] segments;
    /**
     * For a glob of literal text and {@code *} only (the usual {@code web}, {@code web*}, {@code *-db}):
     * the pieces between the stars, matched by string comparison without allocating; else null.
     */
    private final String[] pieces;

    private Glob(String text, Matcher[][] segments) {
        this.text = text;
        this.segments = segments;
        this.pieces = text.indexOf('?') < 0 && text.indexOf('[') < 0 ? text.split("\\*", -1) : null;
    }

    /**
     * @throws IllegalArgumentException for a {@code [} without its closing {@code ]}, naming its
     *                                  1-based position: {@code unclosed '[' at position 4 in glob "web[ab"}
     */
    public static Glob compile(String glob) {
        List<Matcher[]> segs = new ArrayList<>();
        List<Matcher> cur = new ArrayList<>();
        int[] cps = glob.codePoints().toArray();
        for (int i = 0; i < cps.length; i++) {
            int c = cps[i];
            switch (c) {
                case '*':
                    segs.add(cur.toArray(new Matcher[0]));
                    cur.clear();
                    break;
                case '?':
                    cur.add(ch -> true);
                    break;
                case '[':
                    i = parseClass(glob, cps, i, cur);
                    break;
                default:
                    int lit = c;
                    cur.add(ch -> ch == lit);
            }
        }
        segs.add(cur.toArray(new Matcher[0]));
        return new Glob(glob, segs.toArray(new Matcher[0][]));
    }

    /** A pattern in double quotes for an error message, {@code "} and {@code \} escaped with a backslash. */
    public static String quote(String pattern) {
        return '"' + pattern.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** Parses the class starting at {@code cps[open]}; returns the index of its closing bracket. */
    private static int parseClass(String glob, int[] cps, int open, List<Matcher> out) {
        int i = open + 1;
        boolean negate = i < cps.length && (cps[i] == '!' || cps[i] == '^');
        if (negate) {
            i++;
        }
        List<int[]> ranges = new ArrayList<>();
        int first = i;
        while (true) {
            if (i >= cps.length) {
                throw new IllegalArgumentException("unclosed '[' at position " + (open + 1) + " in glob " + quote(glob));
            }
            int c = cps[i];
            if (c == ']' && i > first) {
                break;
            }
            if (i + 2 < cps.length && cps[i + 1] == '-' && cps[i + 2] != ']') {
                ranges.add(new int[] {c, cps[i + 2]});
                i += 3;
            } else {
                ranges.add(new int[] {c, c});
                i++;
            }
        }
        int[][] set = ranges.toArray(new int[0][]);
        out.add(ch -> {
            boolean in = false;
            for (int[] r : set) {
                if (ch >= r[0] && ch <= r[1]) {
                    in = true;
                    break;
                }
            }
            return in != negate;
        });
        return i;
    }

    public boolean matches(String s) {
        if (pieces != null) {
            return matchesPieces(s);
        }
        int[] in = s.codePoints().toArray();
        int n = segments.length;
        if (n == 1) {
            // no star: the whole input is one fixed-length segment
            return segments[0].length == in.length && at(segments[0], in, 0);
        }
        Matcher[] head = segments[0];
        Matcher[] tail = segments[n - 1];
        if (head.length + tail.length > in.length) {
            return false;
        }
        if (!at(head, in, 0)) {
            return false;
        }
        int end = in.length - tail.length;
        if (!at(tail, in, end)) {
            return false;
        }
        int pos = head.length;
        for (int k = 1; k < n - 1; k++) {
            Matcher[] seg = segments[k];
            int found = -1;
            for (int p = pos; p + seg.length <= end; p++) {
                if (at(seg, in, p)) {
                    found = p;
                    break;
                }
            }
            if (found < 0) {
                return false;
            }
            pos = found + seg.length;
        }
        return true;
    }

    private static boolean at(Matcher[] seg, int[] in, int from) {
        for (int j = 0; j < seg.length; j++) {
            if (!seg[j].test(in[from + j])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }

    @FunctionalInterface
    private interface Matcher {
        boolean test(int codePoint);
    }

    /** Pieces[0] is a prefix, the last piece a suffix, the others taken leftmost in order between them. */
    private boolean matchesPieces(String s) {
        int n = pieces.length;
        if (n == 1) {
            return s.equals(pieces[0]);
        }
        String first = pieces[0];
        String last = pieces[n - 1];
        if (s.length() < first.length() + last.length() || !s.startsWith(first) || !s.endsWith(last)) {
            return false;
        }
        int at = first.length();
        int end = s.length() - last.length();
        for (int i = 1; i < n - 1; i++) {
            String p = pieces[i];
            int found = s.indexOf(p, at);
            if (found < 0 || found + p.length() > end) {
                return false;
            }
            at = found + p.length();
        }
        return true;
    }
}
