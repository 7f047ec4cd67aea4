package dev.logrouter.core.record;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * RFC 3339 UTC timestamps with nanoseconds, trailing zeros of the fraction removed and no fraction
 * when it is zero, as memlogd and Talos write them: {@code 2024-07-02T19:22:51.974497577Z}.
 */
public final class Rfc3339 {

    private Rfc3339() {
    }

    /** Formats epoch nanoseconds. */
    public static String format(long epochNanos) {
        StringBuilder sb = new StringBuilder(30);
        append(sb, epochNanos);
        return sb.toString();
    }

    /** Appends the formatted epoch nanoseconds to {@code sb}. */
    public static void append(StringBuilder sb, long epochNanos) {
        append(sb, epochNanos, 9);
    }

    /**
     * Appends the time with at most {@code maxFractionDigits} digits of the second's fraction
     * (truncated, trailing zeros removed); RFC 5424 syslog allows at most 6.
     */
    public static void append(StringBuilder sb, long epochNanos, int maxFractionDigits) {
        if (maxFractionDigits < 0 || maxFractionDigits > 9) {
            throw new IllegalArgumentException("fraction digits must be 0..9, was " + maxFractionDigits);
        }
        long secs = Math.floorDiv(epochNanos, 1_000_000_000L);
        int nanos = (int) Math.floorMod(epochNanos, 1_000_000_000L);
        nanos = nanos - nanos % pow10(9 - maxFractionDigits);
        LocalDateTime t = LocalDateTime.ofEpochSecond(secs, 0, ZoneOffset.UTC);
        int year = t.getYear();
        if (year < 1000) {
            sb.append(year < 10 ? "000" : year < 100 ? "00" : "0");
        }
        sb.append(year).append('-');
        two(sb, t.getMonthValue());
        sb.append('-');
        two(sb, t.getDayOfMonth());
        sb.append('T');
        two(sb, t.getHour());
        sb.append(':');
        two(sb, t.getMinute());
        sb.append(':');
        two(sb, t.getSecond());
        if (nanos != 0) {
            sb.append('.');
            int digits = 9;
            while (nanos % 10 == 0) {
                nanos /= 10;
                digits--;
            }
            String n = Integer.toString(nanos);
            for (int i = n.length(); i < digits; i++) {
                sb.append('0');
            }
            sb.append(n);
        }
        sb.append('Z');
    }

    private static int pow10(int n) {
        int p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }

    private static void two(StringBuilder sb, int v) {
        if (v < 10) {
            sb.append('0');
        }
        sb.append(v);
    }

    /**
     * A formatter for many timestamps in a row (encoders): the date and time of day are formatted
     * once per second and reused, the fraction is written digit by digit. Same output as
     * {@link Rfc3339#append(StringBuilder, long, int)}. Not thread-safe: one per encoder.
     */
    public static final class Cached {
        private long second = Long.MIN_VALUE;
        private final char[] head = new char[32];
        private int headLength;
        private final StringBuilder scratch = new StringBuilder(32);

        /**
         * Writes the time into {@code dst} (at least 40 chars) from index 0.
         *
         * @return the number of chars written
         */
        public int format(long epochNanos, int maxFractionDigits, char[] dst) {
            long secs = Math.floorDiv(epochNanos, 1_000_000_000L);
            int nanos = (int) Math.floorMod(epochNanos, 1_000_000_000L);
            if (secs != second) {
                scratch.setLength(0);
                Rfc3339.append(scratch, secs * 1_000_000_000L, 0);
                headLength = scratch.length() - 1; // without the 'Z'
                scratch.getChars(0, headLength, head, 0);
                second = secs;
            }
            System.arraycopy(head, 0, dst, 0, headLength);
            int n = headLength;
            nanos -= nanos % pow10(9 - maxFractionDigits);
            if (nanos != 0) {
                dst[n++] = '.';
                int digits = 9;
                while (nanos % 10 == 0) {
                    nanos /= 10;
                    digits--;
                }
                for (int i = digits - 1; i >= 0; i--) {
                    dst[n + i] = (char) ('0' + nanos % 10);
                    nanos /= 10;
                }
                n += digits;
            }
            dst[n++] = 'Z';
            return n;
        }
    }
}
