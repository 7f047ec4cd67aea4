package dev.logrouter.app.config;

import java.util.Locale;

/**
 * A size in bytes as written in the config: a plain number, or a number with {@code B}, {@code KiB},
 * {@code MiB}, {@code GiB} (also {@code KB}/{@code MB}/{@code GB} and {@code k}/{@code m}/{@code g},
 * all powers of 1024).
 */
record ByteSize(long bytes) {

    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
    }

    public static ByteSize parse(String text) {
        String t = text.trim();
        int i = 0;
        while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("not a size: '" + text + "' (expected e.g. 512, 64KiB, 8MiB, 1GiB)");
        }
        double n;
        try {
            n = Double.parseDouble(t.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: '" + text + "'");
        }
        String unit = t.substring(i).trim().toLowerCase(Locale.ROOT);
        long mult;
        switch (unit) {
            case "": case "b": mult = 1; break;
            case "k": case "kb": case "kib": mult = 1024; break;
            case "m": case "mb": case "mib": mult = 1024 * 1024; break;
            case "g": case "gb": case "gib": mult = 1024L * 1024 * 1024; break;
            default:
                throw new IllegalArgumentException("unknown size unit '" + t.substring(i).trim() + "' in '" + text
                        + "' (use B, KiB, MiB or GiB)");
        }
        return new ByteSize((long) (n * mult));
    }

    public int intBytes() {
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }
}
