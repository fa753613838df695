package org.uarpd.engine;

import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;

/**
 * One change or decision, with what logs, metrics and the monitor need. A plain value.
 *
 * @param time      the {@code now} of the call that produced it
 * @param kind      what happened
 * @param link      the link it concerns (0 when none)
 * @param address   the IPv4 address it concerns (0 when none)
 * @param hardware  the hardware address involved, or null
 * @param state     the neighbour entry's state after the change, or null when not about an entry
 * @param reason    why (never null)
 * @param latencyNanos for {@link Kind#RESOLVED}: time from the start of resolution to the answer; else 0
 * @param detail    free text for humans (a malformed frame's fault), or null
 * @param knownHardware the other side of a dispute, so that a log line can name both stations: for
 *                  {@link Kind#CONFLICT} the link's own hardware address (while {@code hardware} is
 *                  the other host's); for {@link Kind#ALERT} the hardware address believed before
 *                  (the binding held, the station's previous address, or the frame's link-layer
 *                  source for SENDER_MISMATCH); null when there is none
 * @param address6  the IPv6 address it concerns (neighbour discovery), or null; {@code address} is 0 then;
 *                  {@code ::} for an IPv6 frame dropped or ignored before its target was read
 */
public record EngineEvent(long time, Kind kind, int link, int address, HardwareAddress hardware,
                          NeighborState state, Reason reason, long latencyNanos, String detail,
                          HardwareAddress knownHardware, Ip6Address address6) {

    /** An event about one station and an IPv4 address (or none). */
    public EngineEvent(long time, Kind kind, int link, int address, HardwareAddress hardware,
                       NeighborState state, Reason reason, long latencyNanos, String detail) {
        this(time, kind, link, address, hardware, state, reason, latencyNanos, detail, null, null);
    }

    public enum Kind {
        /** A neighbour entry was created. */
        ADDED,
        /** A neighbour entry changed state or hardware address. */
        CHANGED,
        /** A neighbour entry was deleted. */
        REMOVED,
        /** A resolution (or re-probe) ran out of probes. */
        FAILED,
        /** A resolution got its answer. */
        RESOLVED,
        /** An ARP request was sent. */
        REQUESTED,
        /** A request was answered (ARP, RARP, InARP, or a kernel miss from the cache). */
        ANSWERED,
        /** An input was understood and deliberately not acted on. */
        IGNORED,
        /** An input could not be used (malformed, unknown link, not ARP, over a rate limit). */
        DROPPED,
        /** RFC 5227: probing for one of the host's addresses began, or ended with the address ours. */
        CLAIMED,
        /** RFC 5227: another host uses, or probes for, one of the host's addresses (defended, yielded, lost). */
        CONFLICT,
        /** The guard saw something suspect (spoofing, unsolicited reply, inconsistent sender, new station, flip flop, bogon). */
        ALERT
    }

    /** Why a change or decision happened. */
    public enum Reason {
        // what started or changed an entry
        KERNEL_MISS, OWN_NEED, OPERATOR, KERNEL_CHANGED, LEARNED_FROM_REQUEST, REPLY, OBSERVED, GRATUITOUS,
        // timers
        REACHABLE_TIMEOUT, DELAY_TIMEOUT, RETRANSMIT, PROBES_EXHAUSTED, STALE_EXPIRED, NEGATIVE_CACHE_EXPIRED,
        // removals
        EVICTED, FLUSHED, LINK_DOWN, LINK_REMOVED, ADDRESS_REMOVED,
        // answers
        OWN_ADDRESS, PUBLISHED, PROXY, RARP, INARP, FROM_CACHE, ANNOUNCED,
        // ignored
        NOT_FOR_US, LOCKED, STATIC_ENTRY, UNSOLICITED, LINK_RATE_LIMITED, TARGET_RATE_LIMITED, TOO_MANY_PENDING,
        TABLE_FULL, NEGATIVE_CACHE, ALREADY_RESOLVING, PROBE_NOT_ANSWERED, UNICAST_REQUEST, KERNEL_ANSWERS,
        ADDRESS_CONFLICT, RARP_DISABLED, RARP_UNKNOWN, NO_SOURCE_ADDRESS, LINK_IS_DOWN, NOT_IPV4, WRONG_HARDWARE,
        NO_SUCH_ENTRY, OWN_FRAME,
        // bounded learning: a requester outside the link's subnets, over the per-link learning rate,
        // or a learnt-only entry evicted to keep the per-link cap
        OFF_SUBNET_SENDER, LEARN_RATE_LIMITED, LEARNT_LIMIT,
        // RFC 5227 (CLAIMED, CONFLICT)
        PROBING, CLAIMED, PROBE_CONFLICT, DEFENDED, DEFEND_INTERVAL, YIELDED, CONFLICT_RATE_LIMIT, MISMATCHED_PROBE,
        // operator's Reclaim: probing again for a yielded address; refused for an address not yielded
        RECLAIMING, NOT_YIELDED,
        // guard (ALERT)
        SENDER_MISMATCH, SPOOFING, VERIFYING, VERIFIED, PINNED, NEW_STATION, CHANGED_STATION, FLIP_FLOP, BOGON,
        SOURCE_RATE_LIMITED,
        // bridge
        BRIDGED, BRIDGE_PENDING,
        // conditional proxy ND (NdProxyChecks): no route to the target, the route leads back out of the
        // asking link, the link to ask on is the asking one, the target is being asked on the other
        // link, or it did not answer there
        NO_ROUTE, ROUTED_BACK, VIA_IS_ASKING_LINK, ASKING_TARGET, TARGET_SILENT,
        // an advertisement cleared an IPv6 neighbour's IsRouter flag (RFC 4861 §7.2.5): off the default router list
        NO_LONGER_ROUTER,
        // directory of bindings: a kernel miss checked by unicast where the directory says; answered on another host's behalf
        DIRECTORY_CHECK, DIRECTORY,
        // dropped (NOT_ND: IPv6 that is no neighbour solicitation or advertisement)
        MALFORMED, UNKNOWN_LINK, NOT_ARP, UNSUPPORTED_OPCODE, NOT_ND
    }
}
