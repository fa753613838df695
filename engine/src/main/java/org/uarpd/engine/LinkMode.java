package org.uarpd.engine;

/** Who has the last word on a link; {@link ModeRules} spells out what each mode means. */
public enum LinkMode {
    /**
     * The kernel sends and believes no ARP there: uarpd answers for the host's own addresses, learns
     * requesters (installing them STALE), and resolves every kernel miss.
     */
    AUTHORITATIVE,
    /**
     * The kernel keeps its own ARP: uarpd does not answer for the host's own addresses nor install
     * what it learns, but answers published entries, RARP and InARP, and answers kernel misses from
     * its cache when it can (leaving a cache miss to the kernel's own resolution).
     */
    ASSIST,
    /**
     * As {@link #ASSIST}, but the kernel resolves alone and tells uarpd of no miss: uarpd answers
     * published entries, RARP and InARP, guards and learns from the wire, and first packets go at the
     * kernel's own speed (no resolution waits for another process).
     */
    ANSWER
}
