package org.uarpd.engine;

/**
 * Neighbour-unreachability timing (RFC 4861 §10 constants, with Linux's ARP defaults).
 *
 * @param baseReachableNanos  REACHABLE lasts this, times a random factor in [0.5, 1.5) (RFC 4861 §6.3.2)
 * @param retransNanos        between two probes of one resolution (RetransTimer)
 * @param delayFirstProbeNanos DELAY lasts this before the first unicast probe (DELAY_FIRST_PROBE_TIME)
 * @param unicastProbes       unicast probes in PROBE before giving up (MAX_UNICAST_SOLICIT)
 * @param broadcastProbes     broadcast requests of a new resolution (MAX_MULTICAST_SOLICIT)
 * @param broadcastReprobes   broadcast requests after the unicast ones fail (Linux mcast_resolicit)
 * @param exponentialBackoff  double the interval after each unanswered probe (RFC 7048 §3), up to
 *                            {@code maxRetransNanos}
 * @param maxRetransNanos     cap of the backed-off interval (RFC 7048 MAX_RETRANS_TIMER, 60 s)
 * @param staleLifetimeNanos  a STALE entry unused for this long is dropped (BSD arpt_keep)
 * @param negativeCacheNanos  a FAILED entry answers further misses with failure for this long
 * @param lockTimeNanos       a different hardware address within this of the last update is
 *                            ignored (Linux locktime), so the first of racing replies wins
 */
public record NeighborTimers(long baseReachableNanos, long retransNanos, long delayFirstProbeNanos,
                             int unicastProbes, int broadcastProbes, int broadcastReprobes,
                             boolean exponentialBackoff, long maxRetransNanos,
                             long staleLifetimeNanos, long negativeCacheNanos, long lockTimeNanos) {

    private static final long S = 1_000_000_000L;

    public static NeighborTimers defaults() {
        return new NeighborTimers(30 * S, S, 5 * S, 3, 3, 0, false, 60 * S, 1200 * S, 20 * S, S);
    }

    public NeighborTimers {
        if (baseReachableNanos <= 0 || retransNanos <= 0 || delayFirstProbeNanos <= 0 || maxRetransNanos < retransNanos
                || staleLifetimeNanos <= 0 || negativeCacheNanos <= 0 || lockTimeNanos < 0) {
            throw new IllegalArgumentException("neighbour timers must be positive (and max retransmit ≥ retransmit): " + this);
        }
        if (unicastProbes < 0 || unicastProbes > 100 || broadcastProbes < 1 || broadcastProbes > 100
                || broadcastReprobes < 0 || broadcastReprobes > 100) {
            throw new IllegalArgumentException("probe counts out of range (broadcast 1..100, unicast and reprobes 0..100): " + this);
        }
    }

    public NeighborTimers withRetrans(long nanos) {
        return new NeighborTimers(baseReachableNanos, nanos, delayFirstProbeNanos, unicastProbes, broadcastProbes,
                broadcastReprobes, exponentialBackoff, Math.max(maxRetransNanos, nanos), staleLifetimeNanos,
                negativeCacheNanos, lockTimeNanos);
    }

    public NeighborTimers withProbes(int unicast, int broadcast, int reprobes) {
        return new NeighborTimers(baseReachableNanos, retransNanos, delayFirstProbeNanos, unicast, broadcast, reprobes,
                exponentialBackoff, maxRetransNanos, staleLifetimeNanos, negativeCacheNanos, lockTimeNanos);
    }

    public NeighborTimers withBackoff(boolean on, long maxRetrans) {
        return new NeighborTimers(baseReachableNanos, retransNanos, delayFirstProbeNanos, unicastProbes, broadcastProbes,
                broadcastReprobes, on, maxRetrans, staleLifetimeNanos, negativeCacheNanos, lockTimeNanos);
    }

    public NeighborTimers withReachable(long nanos) {
        return new NeighborTimers(nanos, retransNanos, delayFirstProbeNanos, unicastProbes, broadcastProbes,
                broadcastReprobes, exponentialBackoff, maxRetransNanos, staleLifetimeNanos, negativeCacheNanos, lockTimeNanos);
    }

    public NeighborTimers withStaleLifetime(long nanos) {
        return new NeighborTimers(baseReachableNanos, retransNanos, delayFirstProbeNanos, unicastProbes, broadcastProbes,
                broadcastReprobes, exponentialBackoff, maxRetransNanos, nanos, negativeCacheNanos, lockTimeNanos);
    }

    public NeighborTimers withNegativeCache(long nanos) {
        return new NeighborTimers(baseReachableNanos, retransNanos, delayFirstProbeNanos, unicastProbes, broadcastProbes,
                broadcastReprobes, exponentialBackoff, maxRetransNanos, staleLifetimeNanos, nanos, lockTimeNanos);
    }

    public NeighborTimers withLockTime(long nanos) {
        return new NeighborTimers(baseReachableNanos, retransNanos, delayFirstProbeNanos, unicastProbes, broadcastProbes,
                broadcastReprobes, exponentialBackoff, maxRetransNanos, staleLifetimeNanos, negativeCacheNanos, nanos);
    }

    public NeighborTimers withDelayFirstProbe(long nanos) {
        return new NeighborTimers(baseReachableNanos, retransNanos, nanos, unicastProbes, broadcastProbes,
                broadcastReprobes, exponentialBackoff, maxRetransNanos, staleLifetimeNanos, negativeCacheNanos, lockTimeNanos);
    }

    /** Interval after the {@code sent}-th probe (1-based) of a phase. */
    long intervalAfter(int sent) {
        if (!exponentialBackoff || sent <= 1) return retransNanos;
        int doublings = Math.min(sent - 1, 40);
        long v = retransNanos;
        for (int i = 0; i < doublings && v < maxRetransNanos; i++) v *= 2;
        return Math.min(v, maxRetransNanos);
    }
}
