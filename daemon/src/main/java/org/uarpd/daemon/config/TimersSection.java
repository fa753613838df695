package org.uarpd.daemon.config;

import org.uarpd.engine.Durations;
import org.uarpd.engine.NeighborTimers;

/** {@code [timers]}: the engine's {@link NeighborTimers}, as durations and counts. */
public record TimersSection(NeighborTimers timers) {
    public static final TimersSection DEFAULT = new TimersSection(NeighborTimers.defaults());

    static TimersSection read(Fields f) {
        NeighborTimers d = NeighborTimers.defaults();
        long reachable = f.duration("reachable", d.baseReachableNanos(), false);
        long retransmit = f.duration("retransmit", d.retransNanos(), false);
        long delay = f.duration("delay-first-probe", d.delayFirstProbeNanos(), false);
        boolean backoff = f.bool("backoff", d.exponentialBackoff());
        long maxRetransmit = f.duration("max-retransmit", Math.max(d.maxRetransNanos(), retransmit), false);
        long stale = f.duration("stale-lifetime", d.staleLifetimeNanos(), false);
        long negative = f.duration("negative-cache", d.negativeCacheNanos(), false);
        long lock = f.duration("lock-time", d.lockTimeNanos(), true);
        int unicast = (int) f.integer("unicast-probes", d.unicastProbes(), 0, 100);
        int broadcast = (int) f.integer("broadcast-probes", d.broadcastProbes(), 1, 100);
        int reprobes = (int) f.integer("broadcast-reprobes", d.broadcastReprobes(), 0, 100);
        if (maxRetransmit < retransmit) {
            f.error(f.has("max-retransmit") ? "max-retransmit" : "retransmit",
                    "max-retransmit (" + Durations.format(maxRetransmit) + ") is shorter than retransmit ("
                            + Durations.format(retransmit) + "); expected max-retransmit ≥ retransmit");
            maxRetransmit = retransmit;
        }
        return new TimersSection(new NeighborTimers(reachable, retransmit, delay, unicast, broadcast, reprobes, backoff,
                maxRetransmit, stale, negative, lock));
    }
}
