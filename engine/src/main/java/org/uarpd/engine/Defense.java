package org.uarpd.engine;

/** What uarpd does when another host uses one of the host's bound addresses (RFC 5227 §2.4). */
public enum Defense {
    /** Report the conflict, nothing more: neither defend nor yield (the default without RFC 5227 configured). */
    REPORT,
    /** (a) Cease using the address at the first conflicting packet. */
    NEVER,
    /**
     * (b) Defend once with an announcement; yield if another conflicting packet comes within
     * DEFEND_INTERVAL of it.
     */
    ONCE_THEN_YIELD,
    /** (c) Keep the address and defend it, with at most one announcement per DEFEND_INTERVAL. */
    ALWAYS
}
