package dev.logrouter.core.route;

import java.util.regex.Pattern;

/** Shell-style glob ({@code *}, {@code ?}, {@code [abc]}) compiled once to a regex. */
public final class Glob {

    private final String text;
    private final Pattern pattern;

    private Glob(String text, Pattern pattern) {
        this.text = text;
        this.pattern = pattern;
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
        return pattern.matcher(s).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
