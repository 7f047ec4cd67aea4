package dev.logrouter.core.route;

import java.util.regex.Pattern;

/**
 * Shell-style glob ({@code *}, {@code ?}, {@code [abc]}) compiled once. A glob made of literal text
 * and {@code *} only (the usual {@code web}, {@code web*}, {@code *-db}) is matched by comparing its
 * pieces, without a regex and without allocating; others use a regex.
 */
public final class Glob {

    private final String text;
    private final Pattern pattern;
    /** The literal pieces between {@code *}s, or null when the glob needs the regex. */
    private final String[] pieces;

    private Glob(String text, Pattern pattern) {
        this.text = text;
        this.pattern = pattern;
        this.pieces = text.indexOf('?') < 0 && text.indexOf('[') < 0 ? text.split("\\*", -1) : null;
    }

    public static Glob compile(String glob) {
        StringBuilder re = new StringBuilder(glob.length() + 8);
        boolean inClass = false;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (inClass) {
                if (c == ']') {
                    inClass = false;
                    re.append(']');
                } else if (c == '\\') {
                    re.append("\\\\");
                } else {
                    re.append(c);
                }
                continue;
            }
            switch (c) {
                case '*': re.append(".*"); break;
                case '?': re.append('.'); break;
                case '[':
                    if (glob.indexOf(']', i + 1) > i + 1) {
                        inClass = true;
                        re.append('[');
                        if (i + 1 < glob.length() && glob.charAt(i + 1) == '!') {
                            re.append('^');
                            i++;
                        }
                    } else {
                        re.append("\\[");
                    }
                    break;
                default:
                    if ("\\.+()^$|{}]".indexOf(c) >= 0) {
                        re.append('\\');
                    }
                    re.append(c);
            }
        }
        return new Glob(glob, Pattern.compile(re.toString(), Pattern.DOTALL));
    }

    public boolean matches(String s) {
        return pieces != null ? matchesPieces(s) : pattern.matcher(s).matches();
    }

    /** pieces[0] is a prefix, the last piece a suffix, the others found in order between them. */
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

    @Override
    public String toString() {
        return text;
    }
}
