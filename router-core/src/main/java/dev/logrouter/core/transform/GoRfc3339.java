package dev.logrouter.core.transform;

/**
 * Go's {@code time.Parse(time.RFC3339Nano, s)} for the forms it accepts in practice:
 * {@code YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)} with an upper-case {@code T} and
 * {@code Z}, a fraction of one or more digits (beyond nine truncated), and Go's range checks
 * (day within its month, hour below 24, offset hours below 24 and minutes below 60).
 */
final class GoRfc3339 {

    private GoRfc3339() {
    }

    /** Epoch nanoseconds, or {@link JsonLineExtractor#NO_TIME} when {@code s} does not parse. */
    static long parse(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return JsonLineExtractor.NO_TIME;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return JsonLineExtractor.NO_TIME;
        }
        int i = 19;
        long nanos = 0;
        if (i < n && s.charAt(i) == '.') {
            int start = ++i;
            long scale = 100_000_000L;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                nanos += (s.charAt(i) - '0') * scale;
                scale /= 10;
                i++;
            }
            if (i == start) {
                return JsonLineExtractor.NO_TIME;
            }
        }
        int offsetSeconds;
        if (i + 1 == n && s.charAt(i) == 'Z') {
            offsetSeconds = 0;
        } else if (i + 6 == n && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if (oh < 0 || oh > 23 || om < 0 || om > 59) {
                return JsonLineExtractor.NO_TIME;
            }
            offsetSeconds = (oh * 3600 + om * 60) * (s.charAt(i) == '-' ? -1 : 1);
        } else {
            return JsonLineExtractor.NO_TIME;
        }
        long days = daysFromCivil(year, month, day);
        long epochSeconds = days * 86400 + hour * 3600L + minute * 60L + second - offsetSeconds;
        // year 1 (Go's zero time) and anything a long of nanoseconds cannot hold do not count
        if (epochSeconds > 9_223_372_035L || epochSeconds < -9_223_372_035L) {
            return JsonLineExtractor.NO_TIME;
        }
        return epochSeconds * 1_000_000_000L + nanos;
    }

    private static int digits(String s, int off, int len) {
        int v = 0;
        for (int i = off; i < off + len; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static int daysIn(int year, int month) {
        switch (month) {
            case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4: case 6: case 9: case 11: return 30;
            default: return 31;
        }
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
    private static long daysFromCivil(int y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }
}
