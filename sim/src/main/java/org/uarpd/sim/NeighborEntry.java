package org.uarpd.sim;

import java.util.ArrayDeque;
import org.uarpd.engine.NeighborState;
import org.uarpd.wire.HardwareAddress;

/**
 * A cloned link-layer host route (BSD's RTF_LLINFO entry): the binding of one neighbour's IPv4
 * address on one interface, cloned from the interface's subnet route on first use, with the packets
 * held while it is unresolved.
 */
final class NeighborEntry {
    final SimInterface iface;
    final int address;
    HardwareAddress hardware;
    NeighborState state = NeighborState.INCOMPLETE;
    boolean pinned;
    final ArrayDeque<byte[]> held = new ArrayDeque<>(1);
    /** When the current resolution began (-1 when none is in progress). */
    long pendingSince = -1;
    /** RTM_MISS messages sent for the current resolution. */
    int misses;
    long lastMiss;
    /** In-kernel ARP requests sent for the current resolution. */
    int arpTries;
    boolean arpTimerArmed;
    /** An RTM_MISS re-check of this (STALE) binding has been sent since it was last installed. */
    boolean recheckAsked;
    /** After a failure, packets are refused as host-unreachable until then (BSD's RTF_REJECT). */
    long rejectUntil;

    NeighborEntry(SimInterface iface, int address) {
        this.iface = iface;
        this.address = address;
    }

    boolean resolved() {
        return hardware != null && state != NeighborState.FAILED;
    }
}
