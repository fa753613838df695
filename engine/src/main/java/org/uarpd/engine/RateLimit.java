package org.uarpd.engine;

/**
 * A token bucket: up to {@code burst} events at once, then {@code perSecond} steadily. Kept as one
 * timestamp per limited thing (the generic cell rate algorithm, ITU-T I.371), so a per-target limit
 * costs 8 bytes an entry.
 */
public record RateLimit(int burst, double perSecond) {
    public RateLimit {
        if (burst < 1) throw new IllegalArgumentException("rate limit burst must be at least 1, got " + burst);
        if (!(perSecond > 0)) throw new IllegalArgumentException("rate limit rate must be positive, got " + perSecond);
    }

    /** Nanoseconds between events at the steady rate. */
    public long intervalNanos() {
        return Math.max(1L, Math.round(1e9 / perSecond));
    }

    /** How far ahead of real time the schedule may run: what the burst allows. */
    long toleranceNanos() {
        return (burst - 1) * intervalNanos();
    }

    /**
     * With theoretical arrival time {@code tat}: {@link Long#MIN_VALUE} if an event at {@code now}
     * conforms, else the earliest time it would.
     */
    long earliest(long tat, long now) {
        long t = tat == Long.MIN_VALUE ? now : Math.max(tat, now);
        long allowedAt = t - toleranceNanos();
        return allowedAt <= now ? Long.MIN_VALUE : allowedAt;
    }

    /** The theoretical arrival time after an event at {@code now}. */
    long charge(long tat, long now) {
        long t = tat == Long.MIN_VALUE ? now : Math.max(tat, now);
        return t + intervalNanos();
    }
}
