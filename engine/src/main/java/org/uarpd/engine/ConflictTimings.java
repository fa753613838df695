package org.uarpd.engine;

/**
 * RFC 5227 §1.1 constants, in nanoseconds and counts. {@link #rfc5227()} gives the RFC's values;
 * others are for tests and for links that need to be quicker (documented deviations).
 */
public record ConflictTimings(long probeWaitNanos, int probeNum, long probeMinNanos, long probeMaxNanos,
                              long announceWaitNanos, int announceNum, long announceIntervalNanos,
                              int maxConflicts, long rateLimitIntervalNanos, long defendIntervalNanos) {
    private static final long S = 1_000_000_000L;

    public ConflictTimings {
        if (probeWaitNanos < 0 || probeMinNanos < 0 || probeMaxNanos < probeMinNanos || announceWaitNanos < 0
                || announceIntervalNanos < 0 || rateLimitIntervalNanos < 0 || defendIntervalNanos < 0) {
            throw new IllegalArgumentException("RFC 5227 timings must be non-negative with PROBE_MIN <= PROBE_MAX: " + this);
        }
        if (probeNum < 1 || announceNum < 0 || maxConflicts < 1) {
            throw new IllegalArgumentException("RFC 5227 counts out of range (PROBE_NUM >= 1, ANNOUNCE_NUM >= 0, MAX_CONFLICTS >= 1): " + this);
        }
    }

    /** PROBE_WAIT 1 s, PROBE_NUM 3, PROBE_MIN 1 s, PROBE_MAX 2 s, ANNOUNCE_WAIT 2 s, ANNOUNCE_NUM 2,
     *  ANNOUNCE_INTERVAL 2 s, MAX_CONFLICTS 10, RATE_LIMIT_INTERVAL 60 s, DEFEND_INTERVAL 10 s. */
    public static ConflictTimings rfc5227() {
        return new ConflictTimings(S, 3, S, 2 * S, 2 * S, 2, 2 * S, 10, 60 * S, 10 * S);
    }
}
