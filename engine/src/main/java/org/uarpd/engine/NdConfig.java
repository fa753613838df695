package org.uarpd.engine;

import java.util.Map;
import java.util.Objects;

/**
 * The IPv6 neighbour discovery part of the engine's configuration (the rest is {@link EngineConfig}:
 * table bounds, rate limits, tick and seed are shared by both families).
 *
 * @param timers      RFC 4861 §10 constants: MAX_MULTICAST_SOLICIT 3, MAX_UNICAST_SOLICIT 3,
 *                    RETRANS_TIMER 1 s, REACHABLE_TIME 30 s (× [0.5, 1.5)), DELAY_FIRST_PROBE_TIME 5 s
 * @param defaultLink policy of links not named in {@code links}
 * @param links       policy per link name
 */
public record NdConfig(NeighborTimers timers, NdLinkPolicy defaultLink, Map<String, NdLinkPolicy> links) {
    private static final long S = 1_000_000_000L;

    public NdConfig {
        Objects.requireNonNull(timers, "timers");
        Objects.requireNonNull(defaultLink, "defaultLink");
        links = Map.copyOf(links);
    }

    /**
     * RFC 4861's constants; no lock time (the first-reply-wins rule is ARP's, Linux's locktime is not
     * applied to ND), STALE entries kept as long as ARP's.
     */
    public static NdConfig defaults() {
        NeighborTimers t = new NeighborTimers(30 * S, S, 5 * S, 3, 3, 0, false, 60 * S, 1200 * S, 20 * S, 0);
        return new NdConfig(t, NdLinkPolicy.defaults(), Map.of());
    }

    public NdLinkPolicy policyFor(String name) {
        NdLinkPolicy p = name == null ? null : links.get(name);
        return p != null ? p : defaultLink;
    }

    public NdConfig withTimers(NeighborTimers t) {
        return new NdConfig(t, defaultLink, links);
    }

    public NdConfig withDefaultLink(NdLinkPolicy p) {
        return new NdConfig(timers, p, links);
    }

    public NdConfig withLinks(Map<String, NdLinkPolicy> byName) {
        return new NdConfig(timers, defaultLink, byName);
    }
}
