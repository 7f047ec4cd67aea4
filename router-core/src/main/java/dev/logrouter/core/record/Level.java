package dev.logrouter.core.record;

import java.util.Locale;

/**
 * Syslog severities, most severe first. {@link #code()} is the RFC 5424 numeric severity.
 */
public enum Level {
    EMERG, ALERT, CRIT, ERR, WARNING, NOTICE, INFO, DEBUG;

    private static final Level[] BY_CODE = values();

    /** RFC 5424 severity number: 0 (emerg) .. 7 (debug). */
    public int code() {
        return ordinal();
    }

    /** Lower-case syslog name: {@code emerg} .. {@code debug}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True when this level is {@code other} or more severe. */
    public boolean atLeast(Level other) {
        return ordinal() <= other.ordinal();
    }

    public static Level ofCode(int code) {
        return BY_CODE[code & 7];
    }

    /**
     * Parses a level name as operators and common loggers write it: syslog names and their usual
     * aliases ({@code error}, {@code warn}, {@code fatal}, {@code panic}, {@code crit}, {@code trace}...),
     * case-insensitive, or a digit 0-7.
     *
     * @return the level, or {@code null} when the text is not a known level
     */
    public static Level parse(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "0": case "emerg": case "emergency": case "panic": return EMERG;
            case "1": case "alert": return ALERT;
            case "2": case "crit": case "critical": case "fatal": return CRIT;
            case "3": case "err": case "error": case "eror": return ERR;
            case "4": case "warning": case "warn": return WARNING;
            case "5": case "notice": return NOTICE;
            case "6": case "info": case "information": case "informational": return INFO;
            case "7": case "debug": case "trace": case "dbug": return DEBUG;
            default: return null;
        }
    }
}
