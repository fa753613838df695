package org.uarpd.engine;

import org.uarpd.engine.EngineEvent.Reason;

/**
 * A protocol domain as the neighbour state machine ({@link Neighbors}) sees it — the engine's
 * counterpart of NetBSD's {@code struct nd_domain}: the domain's constants and the one operation the
 * machine performs on the wire itself. Everything else a domain does (parsing a received frame into
 * an observation, answering, announcing) happens at the edge, before or beside the machine, which
 * receives values: an {@link AddressColumn.Key}, a hardware address, and what was observed.
 * {@link ArpDomain} is the ARP (IPv4) domain.
 */
interface NeighborDomain {
    /** The domain's timers and probe counts, from {@code config}. */
    NeighborTimers timers(EngineConfig config);

    /**
     * Why the domain cannot ask for neighbours on {@code link} (a link type it cannot frame, no
     * address to ask from), or null when it can.
     */
    Reason cannotSolicit(Link link);

    /** Whether the domain can ask for neighbours on {@code link} at all. */
    default boolean canSolicit(Link link) {
        return cannotSolicit(link) == null;
    }

    /**
     * Sends the next solicitation for entry {@code id} on {@code link} — broadcast, or unicast to the
     * entry's hardware address — and reports it ({@link EngineEvent.Kind#REQUESTED}, {@code why}).
     */
    void solicit(Link link, int id, boolean unicast, Reason why);
}
