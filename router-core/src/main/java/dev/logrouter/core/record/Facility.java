package dev.logrouter.core.record;

import java.util.Locale;

/**
 * Syslog facilities by their RFC 5424 numbers (0 {@code kern} .. 23 {@code local7}): the one table the
 * syslog and kernel parsers, the RFC 5424 encoder and {@code logrouter dmesg} share.
 */
public enum Facility {
    KERN, USER, MAIL, DAEMON, AUTH, SYSLOG, LPR, NEWS, UUCP, CRON, AUTHPRIV, FTP, NTP, SECURITY, CONSOLE,
    SOLARIS_CRON, LOCAL0, LOCAL1, LOCAL2, LOCAL3, LOCAL4, LOCAL5, LOCAL6, LOCAL7;

    private static final Facility[] BY_CODE = values();

    private final String label = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** RFC 5424 facility number. */
    public int code() {
        return ordinal();
    }

    /** The name syslog implementations use: {@code kern}, {@code authpriv}, {@code solaris-cron}, {@code local0}. */
    public String label() {
        return label;
    }

    /**
     * The name util-linux {@code dmesg -x} prints: the same as {@link #label()}, except that it calls
     * facilities 12 to 15 {@code res0} to {@code res3}.
     */
    public String dmesgLabel() {
        return code() >= NTP.code() && code() <= SOLARIS_CRON.code() ? "res" + (code() - NTP.code()) : label;
    }

    /** The facility with this number, or {@code null} outside 0..23. */
    public static Facility ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** The label of facility number {@code code}, or the number itself when no facility has it. */
    public static String labelOf(int code) {
        Facility f = ofCode(code);
        return f == null ? Integer.toString(code) : f.label;
    }

    /** The facility a {@link #label()} names, case-insensitive, or {@code null}. */
    public static Facility parse(String label) {
        if (label == null) {
            return null;
        }
        String l = label.toLowerCase(Locale.ROOT);
        for (Facility f : BY_CODE) {
            if (f.label.equals(l)) {
                return f;
            }
        }
        return null;
    }
}
