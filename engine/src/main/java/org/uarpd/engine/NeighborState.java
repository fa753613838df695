package org.uarpd.engine;

/** Neighbour entry states, shaped like RFC 4861 §7.3.2 and adapted to ARP as Linux does. */
public enum NeighborState {
    INCOMPLETE, REACHABLE, STALE, DELAY, PROBE, FAILED, STATIC
}
