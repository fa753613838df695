package org.uarpd.engine;

import java.util.Map;
import java.util.Objects;
import org.uarpd.engine.rarp.EthersTable;

/**
 * Everything the engine is told once, at construction. A value; build from {@link #defaults()} with
 * the {@code with…} methods.
 *
 * @param seed            seeds the one random generator (reachable-time jitter): same seed and same
 *                        inputs give the same actions
 * @param timers          neighbour-unreachability timing
 * @param maxEntries      bound on dynamic neighbour entries over all links (LRU eviction beyond it)
 * @param maxStaticEntries bound on static entries (the operator's; never evicted)
 * @param maxPending      bound on entries resolving at once (INCOMPLETE), and separately on delayed
 *                        replies waiting to be sent
 * @param linkRequests    rate limit on ARP requests sent per link
 * @param targetRequests  rate limit on ARP requests sent per target address
 * @param timerTickNanos  resolution of the timer wheel: timers fire on the first tick at or after
 *                        their deadline
 * @param defaultLink     policy of links not named in {@code links}
 * @param links           policy per link name (as reported by {@link Input.LinkChanged})
 * @param ethers          the RARP server's table (empty when RARP is not used)
 * @param learning        what each link may learn from requests (rate and cap of learnt-only entries)
 */
public record EngineConfig(long seed, NeighborTimers timers, int maxEntries, int maxStaticEntries, int maxPending,
                           RateLimit linkRequests, RateLimit targetRequests, long timerTickNanos,
                           LinkPolicy defaultLink, Map<String, LinkPolicy> links, EthersTable ethers,
                           LearningLimits learning) {

    /** A configuration with the default {@link LearningLimits}. */
    public EngineConfig(long seed, NeighborTimers timers, int maxEntries, int maxStaticEntries, int maxPending,
                        RateLimit linkRequests, RateLimit targetRequests, long timerTickNanos,
                        LinkPolicy defaultLink, Map<String, LinkPolicy> links, EthersTable ethers) {
        this(seed, timers, maxEntries, maxStaticEntries, maxPending, linkRequests, targetRequests, timerTickNanos,
                defaultLink, links, ethers, LearningLimits.defaults());
    }

    public EngineConfig {
        Objects.requireNonNull(learning, "learning");
        Objects.requireNonNull(timers, "timers");
        Objects.requireNonNull(linkRequests, "linkRequests");
        Objects.requireNonNull(targetRequests, "targetRequests");
        Objects.requireNonNull(defaultLink, "defaultLink");
        Objects.requireNonNull(ethers, "ethers");
        links = Map.copyOf(links);
        if (maxEntries < 1 || maxStaticEntries < 0 || (long) maxEntries + maxStaticEntries > (1 << 29)) {
            throw new IllegalArgumentException("table bounds out of range: maxEntries " + maxEntries
                    + ", maxStaticEntries " + maxStaticEntries + " (at most 2^29 together)");
        }
        if (maxPending < 1) throw new IllegalArgumentException("maxPending must be at least 1, got " + maxPending);
        if (timerTickNanos < 1000) throw new IllegalArgumentException("timer tick must be at least 1 µs, got " + timerTickNanos + " ns");
        // Every neighbour timer must fit the wheel, or arming it would throw while handling a packet.
        // Counted in ticks so that no product can overflow (REACHABLE lasts up to 1.5 × its base).
        long longest = Math.max(Math.max(timers.staleLifetimeNanos(), timers.negativeCacheNanos()),
                Math.max(timers.maxRetransNanos(), timers.delayFirstProbeNanos()));
        long longestTicks = Math.max(longest / timerTickNanos, timers.baseReachableNanos() / timerTickNanos * 3 / 2 + 1);
        if (longestTicks >= TimerWheel.MAX_AHEAD - 1) {
            throw new IllegalArgumentException("a neighbour timer of " + longestTicks + " ticks is beyond the wheel's reach of "
                    + TimerWheel.MAX_AHEAD + " ticks at a tick of " + timerTickNanos + " ns; raise the tick or shorten the timer");
        }
    }

    public static EngineConfig defaults() {
        return new EngineConfig(1, NeighborTimers.defaults(), 65_536, 4_096, 4_096,
                new RateLimit(256, 1000), new RateLimit(3, 1), 1_000_000L,
                LinkPolicy.authoritative(), Map.of(), EthersTable.EMPTY);
    }

    /** The policy for the link called {@code name}. */
    public LinkPolicy policyFor(String name) {
        LinkPolicy p = name == null ? null : links.get(name);
        return p != null ? p : defaultLink;
    }

    public EngineConfig withSeed(long s) {
        return new EngineConfig(s, timers, maxEntries, maxStaticEntries, maxPending, linkRequests, targetRequests, timerTickNanos, defaultLink, links, ethers, learning);
    }

    public EngineConfig withTimers(NeighborTimers t) {
        return new EngineConfig(seed, t, maxEntries, maxStaticEntries, maxPending, linkRequests, targetRequests, timerTickNanos, defaultLink, links, ethers, learning);
    }

    public EngineConfig withBounds(int entries, int statics, int pending) {
        return new EngineConfig(seed, timers, entries, statics, pending, linkRequests, targetRequests, timerTickNanos, defaultLink, links, ethers, learning);
    }

    public EngineConfig withRateLimits(RateLimit perLink, RateLimit perTarget) {
        return new EngineConfig(seed, timers, maxEntries, maxStaticEntries, maxPending, perLink, perTarget, timerTickNanos, defaultLink, links, ethers, learning);
    }

    public EngineConfig withTimerTick(long nanos) {
        return new EngineConfig(seed, timers, maxEntries, maxStaticEntries, maxPending, linkRequests, targetRequests, nanos, defaultLink, links, ethers, learning);
    }

    public EngineConfig withDefaultLink(LinkPolicy p) {
        return new EngineConfig(seed, timers, maxEntries, maxStaticEntries, maxPending, linkRequests, targetRequests, timerTickNanos, p, links, ethers, learning);
    }

    public EngineConfig withLinks(Map<String, LinkPolicy> byName) {
        return new EngineConfig(seed, timers, maxEntries, maxStaticEntries, maxPending, linkRequests, targetRequests, timerTickNanos, defaultLink, byName, ethers, learning);
    }

    public EngineConfig withLearning(LearningLimits l) {
        return new EngineConfig(seed, timers, maxEntries, maxStaticEntries, maxPending, linkRequests, targetRequests, timerTickNanos, defaultLink, links, ethers, l);
    }

    public EngineConfig withEthers(EthersTable e) {
        return new EngineConfig(seed, timers, maxEntries, maxStaticEntries, maxPending, linkRequests, targetRequests, timerTickNanos, defaultLink, links, e, learning);
    }
}
