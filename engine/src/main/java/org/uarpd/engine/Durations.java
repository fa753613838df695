package org.uarpd.engine;

import java.util.regex.Pattern;

/**
 * Durations as people write them: a number and a unit, {@code 80ns}, {@code 250us} (or {@code µs}),
 * {@code 500ms}, {@code 1.5s}, {@code 2m}, {@code 1h}; held as nanoseconds, the engine's unit of
 * time. The one reading for the daemon's config file, command line and control socket and for the
 * simulator's scenarios.
 */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("(-?\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s|m|h)");
    private static final Pattern BARE = Pattern.compile("\\d+(?:\\.\\d+)?");

    private Durations() {}

    /** Nanoseconds of {@code text}; a sign is allowed, so callers say themselves what range they take. */
    public static long parse(String text) {
        var m = FORM.matcher(text.strip());
        if (!m.matches()) throw notADuration(text);
        double scale = switch (m.group(2)) {
            case "ns" -> 1;
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
        };
        double v = Double.parseDouble(m.group(1)) * scale;
        if (Math.abs(v) > 1e18) throw notADuration(text);
        return Math.round(v);
    }

    /** Like {@link #parse}, but a bare number counts as seconds (for command-line flags such as {@code --interval 0.2}). */
    public static long parseSecondsByDefault(String text) {
        return parse(BARE.matcher(text.strip()).matches() ? text.strip() + "s" : text);
    }

    /** "30s", "1.5s" as "1500ms", "250us", "80ns": the shortest exact rendering, which {@link #parse} reads back. */
    public static String format(long nanos) {
        if (nanos % 1_000_000_000L == 0) return nanos / 1_000_000_000L + "s";
        if (nanos % 1_000_000L == 0) return nanos / 1_000_000L + "ms";
        if (nanos % 1_000L == 0) return nanos / 1_000L + "us";
        return nanos + "ns";
    }

    private static IllegalArgumentException notADuration(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration (a number and a unit (ns, us, ms, s, m, h) like 200ms)");
    }
}
