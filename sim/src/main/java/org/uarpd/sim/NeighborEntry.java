package org.uarpd.sim;

import java.util.ArrayDeque;
import org.uarpd.engine.NeighborState;
import org.uarpd.sim.rtsock.Sockaddr;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.Ip6Address;

/**
 * A cloned link-layer host route (BSD's RTF_LLINFO entry): the binding of one neighbour's IPv4 or
 * IPv6 address on one interface, cloned on first use, with the packets held while it is unresolved.
 */
final class NeighborEntry {
    final SimInterface iface;
    /** The IPv4 address (0 for an IPv6 entry). */
    final int address;
    /** The IPv6 address, or null for an IPv4 entry. */
    final Ip6Address address6;
    HardwareAddress hardware;
    NeighborState state = NeighborState.INCOMPLETE;
    boolean pinned;
    final ArrayDeque<byte[]> held = new ArrayDeque<>(1);
    /** When the current resolution began (-1 when none is in progress). */
    long pendingSince = -1;
    /** RTM_MISS messages sent for the current resolution. */
    int misses;
    long lastMiss;
    /** In-kernel ARP requests (or ND solicitations) sent for the current resolution. */
    int arpTries;
    boolean arpTimerArmed;
    /** An RTM_MISS re-check of this (STALE) binding has been sent since it was last installed. */
    boolean recheckAsked;
    /** After a failure, packets are refused as host-unreachable until then (BSD's RTF_REJECT). */
    long rejectUntil;

    NeighborEntry(SimInterface iface, int address) {
        this.iface = iface;
        this.address = address;
        this.address6 = null;
    }

    NeighborEntry(SimInterface iface, Ip6Address address6) {
        this.iface = iface;
        this.address = 0;
        this.address6 = address6;
    }

    boolean resolved() {
        return hardware != null && state != NeighborState.FAILED;
    }

    boolean ip6() {
        return address6 != null;
    }

    /** The neighbour's address as the routing socket carries it. */
    Sockaddr.Inet sockaddr() {
        return address6 != null ? new Sockaddr.In6(address6) : new Sockaddr.In(address);
    }

    /** The EtherType of the datagrams this entry holds and sends. */
    int etherType() {
        return address6 != null ? EtherType.IPV6 : EtherType.IPV4;
    }

    String addressText() {
        return address6 != null ? address6.toString() : Ip4.format(address);
    }
}
