package org.uarpd.engine;

import java.util.Map;
import org.uarpd.wire.HardwareAddress;

/**
 * What uarpd believes from the wire on a link (its defences against ARP and neighbour advertisement
 * spoofing), for IPv4 and IPv6 neighbours alike (docs/guard.md). Each rule that refuses something
 * reports it as an {@link EngineEvent.Kind#ALERT} or {@code IGNORED} event with its reason.
 *
 * @param pinned           bindings from the configuration (IPv4 as int → hardware address): installed
 *                         as static entries when the link is first seen; no frame can change them
 * @param lockLearnt       a binding, once learnt, is pinned too (static) for the engine's life
 * @param senderConsistency ignore a frame whose link-layer source differs from its ARP sender
 *                         hardware address (reason SENDER_MISMATCH)
 * @param allowUnsolicited believe replies nobody asked for (otherwise only replies to a resolution or
 *                         a re-probe in progress change an entry; reason UNSOLICITED)
 * @param verifyChanges    a new hardware address for a known address is believed only after a unicast
 *                         request to the old one goes unanswered for {@code verifyTimeoutNanos}; if
 *                         the old one answers, the change is refused and reported (SPOOFING), and the
 *                         same claim is refused outright for {@code quarantineNanos}
 * @param stationEvents    arpwatch's reports: NEW_STATION, CHANGED_STATION, FLIP_FLOP, and BOGON
 *                         (sender outside the link's subnets; also not learnt)
 * @param maxStations      bound on the station table behind those reports (least recent forgotten)
 * @param perSource        rate limit on ARP and ND frames accepted per link-layer source (null: none)
 * @param sourceSlots      size of the fixed table of per-source limits (colliding sources share or
 *                         evict a slot, so a flood of forged sources cannot grow memory)
 */
public record GuardPolicy(Map<Integer, HardwareAddress> pinned, boolean lockLearnt, boolean senderConsistency,
                          boolean allowUnsolicited, boolean verifyChanges, long verifyTimeoutNanos, long quarantineNanos,
                          boolean stationEvents, int maxStations, RateLimit perSource, int sourceSlots) {
    public GuardPolicy {
        pinned = Map.copyOf(pinned);
        if (maxStations < 1) throw new IllegalArgumentException("maxStations must be at least 1, got " + maxStations);
        if (sourceSlots < 1 || Integer.bitCount(sourceSlots) != 1) {
            throw new IllegalArgumentException("sourceSlots must be a power of two, got " + sourceSlots);
        }
        if (verifyTimeoutNanos <= 0 || quarantineNanos < 0) {
            throw new IllegalArgumentException("verify timeout must be positive and quarantine non-negative");
        }
    }

    /** No guard: the engine believes the wire as Linux's arp_process does. */
    public static GuardPolicy off() {
        return new GuardPolicy(Map.of(), false, false, true, false, 1_000_000_000L, 60_000_000_000L, false, 4096, null, 1024);
    }

    /** Every rule on: consistent senders, no unsolicited replies, verified changes, station reports,
     *  50 frames per second per source (burst 20). */
    public static GuardPolicy strict() {
        return new GuardPolicy(Map.of(), false, true, false, true, 1_000_000_000L, 60_000_000_000L, true, 4096,
                new RateLimit(20, 50), 1024);
    }

    public boolean active() {
        return !pinned.isEmpty() || lockLearnt || senderConsistency || !allowUnsolicited || verifyChanges
                || stationEvents || perSource != null;
    }

    public GuardPolicy withPinned(Map<Integer, HardwareAddress> p) {
        return new GuardPolicy(p, lockLearnt, senderConsistency, allowUnsolicited, verifyChanges, verifyTimeoutNanos, quarantineNanos, stationEvents, maxStations, perSource, sourceSlots);
    }

    public GuardPolicy withLockLearnt(boolean on) {
        return new GuardPolicy(pinned, on, senderConsistency, allowUnsolicited, verifyChanges, verifyTimeoutNanos, quarantineNanos, stationEvents, maxStations, perSource, sourceSlots);
    }

    public GuardPolicy withSenderConsistency(boolean on) {
        return new GuardPolicy(pinned, lockLearnt, on, allowUnsolicited, verifyChanges, verifyTimeoutNanos, quarantineNanos, stationEvents, maxStations, perSource, sourceSlots);
    }

    public GuardPolicy withAllowUnsolicited(boolean on) {
        return new GuardPolicy(pinned, lockLearnt, senderConsistency, on, verifyChanges, verifyTimeoutNanos, quarantineNanos, stationEvents, maxStations, perSource, sourceSlots);
    }

    public GuardPolicy withVerifyChanges(boolean on) {
        return new GuardPolicy(pinned, lockLearnt, senderConsistency, allowUnsolicited, on, verifyTimeoutNanos, quarantineNanos, stationEvents, maxStations, perSource, sourceSlots);
    }

    public GuardPolicy withStationEvents(boolean on, int max) {
        return new GuardPolicy(pinned, lockLearnt, senderConsistency, allowUnsolicited, verifyChanges, verifyTimeoutNanos, quarantineNanos, on, max, perSource, sourceSlots);
    }

    public GuardPolicy withPerSource(RateLimit limit, int slots) {
        return new GuardPolicy(pinned, lockLearnt, senderConsistency, allowUnsolicited, verifyChanges, verifyTimeoutNanos, quarantineNanos, stationEvents, maxStations, limit, slots);
    }
}
