package org.uarpd.engine;

import java.util.List;

/**
 * One of the engine's tables or queues, its current size and the bound it never exceeds, for a
 * backend to publish as metrics ({@link Engine#bounds()}).
 *
 * @param name  what is bounded (stable, lower case, dotted: see {@link Engine#bounds()})
 * @param link  the link it belongs to, or 0 for the whole engine
 * @param size  entries now
 * @param bound the most it can hold
 */
public record Bound(String name, int link, long size, long bound) {
    /**
     * Every table and queue of the engine with its size now and its bound:
     * <ul>
     * <li>{@code neighbors.dynamic} ≤ {@link EngineConfig#maxEntries()} (least recently used evicted);
     * <li>{@code neighbors.static} ≤ {@link EngineConfig#maxStaticEntries()} (refused beyond it);
     * <li>{@code neighbors.incomplete} ≤ {@link EngineConfig#maxPending()} (resolutions under way);
     * <li>{@code replies.delayed} ≤ {@link EngineConfig#maxPending()} (published entries' delayed replies);
     * <li>{@code bridge.waiting} ≤ {@link EngineConfig#maxPending()} (targets with waiting requesters);
     * <li>{@code bridge.hosts} ≤ {@link EngineConfig#maxEntries()} (one per neighbour entry at most);
     * <li>{@code directory.bindings} ≤ {@link EngineConfig#maxEntries()} (the shared directory's copy);
     * <li>{@code neighbors6.dynamic}, {@code neighbors6.static}, {@code neighbors6.incomplete}: the IPv6
     *     neighbour table's, bounded as the IPv4 ones;
     * <li>{@code ndproxy.checks} ≤ 4096 (targets asked for proxy entries answered only if the target answers);
     * <li>{@code routes6} ≤ 2^20 (the IPv6 routes proxy entries look targets up in);
     * <li>per link, {@code neighbors.learnt} ≤ {@link LearningLimits#maxLearnt()} (learnt-only entries);
     * <li>per guarded link, {@code guard.stations} and {@code guard.quarantine} ≤
     *     {@link GuardPolicy#maxStations()}, {@code guard.verifying} ≤ {@link EngineConfig#maxEntries()},
     *     {@code guard.sources} = {@link GuardPolicy#sourceSlots()} (a fixed array).
     * </ul>
     */
    static List<Bound> all(EngineContext ctx, NeighborTable t, Answering answering, Bridge bridge, NdStack nd) {
        EngineConfig c = ctx.config();
        List<Bound> all = new java.util.ArrayList<>();
        all.add(new Bound("neighbors.dynamic", 0, t.dynamicCount(), c.maxEntries()));
        all.add(new Bound("neighbors.static", 0, t.staticCount(), c.maxStaticEntries()));
        all.add(new Bound("neighbors.incomplete", 0, t.incomplete(), c.maxPending()));
        all.add(new Bound("replies.delayed", 0, answering.delayedReplies(), c.maxPending()));
        all.add(new Bound("bridge.waiting", 0, bridge.waitingTargets(), c.maxPending()));
        all.add(new Bound("bridge.hosts", 0, bridge.hosts(), c.maxEntries()));
        all.add(new Bound("directory.bindings", 0, answering.directoryBindings(), c.maxEntries()));
        nd.bounds(c, all);
        for (Link l : ctx.links.all()) {
            all.add(new Bound("neighbors.learnt", l.id, t.learntOnlyOn(l.id), c.learning().maxLearnt()));
            Guard g = l.guard;
            if (g == null) continue;
            all.add(new Bound("guard.stations", l.id, g.stations(), g.policy.maxStations()));
            all.add(new Bound("guard.quarantine", l.id, g.quarantined(), g.policy.maxStations()));
            all.add(new Bound("guard.verifying", l.id, g.verifying(), c.maxEntries()));
            all.add(new Bound("guard.sources", l.id, g.policy.sourceSlots(), g.policy.sourceSlots()));
        }
        return all;
    }
}
