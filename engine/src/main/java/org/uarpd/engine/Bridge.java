package org.uarpd.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Opcode;

/**
 * Proxy-ARP bridging (what parprouted does) between the
 * links whose policy has {@code bridge}: every host learnt on one bridged link gets a /32 route out
 * of it ({@link Action.AddHostRoute}) and is answered for, with the asking link's own hardware
 * address, on every other bridged link. A request for a host not known yet is not queued and
 * dropped: uarpd resolves the target on the other bridged links at once and answers every recorded
 * requester the moment it resolves.
 */
final class Bridge {
    /** Starts resolving {@code address} on {@code link} for uarpd's own need. */
    interface Resolver {
        void resolve(Link link, int address);
    }

    private final EngineContext ctx;
    private final ArpDomain arp;
    private final Resolver resolver;
    /** Hosts learnt: address → the bridged link they live on. */
    private final Map<Integer, Integer> hosts = new HashMap<>();
    /** Requests waiting for their target to resolve: target → requesters. */
    private final Map<Integer, List<Requester>> waiting = new HashMap<>();

    record Requester(int link, int address, HardwareAddress hardware, int hrd) {}

    Bridge(EngineContext ctx, ArpDomain arp, Resolver resolver) {
        this.ctx = ctx;
        this.arp = arp;
        this.resolver = resolver;
    }

    int hosts() {
        return hosts.size();
    }

    /** Targets with requesters waiting for them (at most {@link EngineConfig#maxPending()}). */
    int waitingTargets() {
        return waiting.size();
    }

    /** A binding on bridged link {@code l} became usable: route to it, answer whoever waited for it. */
    void installed(Link l, int address) {
        if (!l.policy.bridge() || l.owns(address)) return;
        Integer before = hosts.put(address, l.id);
        if (before == null || before != l.id) {
            if (before != null) ctx.act(new Action.RemoveHostRoute(before, address));
            ctx.act(new Action.AddHostRoute(l.id, address));
            ctx.emit(Kind.ADDED, l.id, address, null, null, Reason.BRIDGED);
        }
        List<Requester> asked = waiting.remove(address);
        if (asked == null) return;
        for (Requester r : asked) {
            if (r.link() == l.id) continue; // it is on the asker's own side: it answers for itself
            Link from = ctx.links.get(r.link());
            if (from != null && from.up) answer(from, r, address);
        }
    }

    /** The binding on {@code link} went away: so does its route. */
    void removed(Link l, int address) {
        if (!l.policy.bridge()) return;
        int link = l.id;
        Integer at = hosts.get(address);
        if (at == null || at != link) return;
        hosts.remove(address);
        ctx.act(new Action.RemoveHostRoute(link, address));
        ctx.emit(Kind.REMOVED, link, address, null, null, Reason.BRIDGED);
    }

    /**
     * A request on bridged link {@code l} for {@code target}, which is not one of ours. Returns the
     * link the target lives on when it is known elsewhere (the caller answers), else 0 — after
     * recording the requester and starting resolutions on the other bridged links when unknown.
     */
    int request(Link l, int target, Requester requester) {
        Integer at = hosts.get(target);
        if (at != null) return at == l.id ? 0 : at;
        List<Requester> list = waiting.get(target);
        if (list == null) {
            if (waiting.size() >= ctx.config().maxPending()) {
                ctx.emit(Kind.IGNORED, l.id, target, null, null, Reason.TOO_MANY_PENDING);
                return 0;
            }
            List<Requester> fresh = new ArrayList<>(2);
            list = fresh;
            waiting.put(target, fresh);
            // Forget the requesters if the target never resolves (the requester will ask again).
            ctx.after(resolutionGiveUpNanos(ctx.config().timers()), () -> waiting.remove(target, fresh));
        }
        // Every request resolves on the links other than its own: a wait started from one side must
        // not stop the other side's host from being looked for (the engine ignores repeats while a
        // resolution is under way, and the negative cache stops a lost cause).
        for (Link other : ctx.links.all()) {
            if (other != l && other.up && other.policy.bridge()) resolver.resolve(other, target);
        }
        if (!list.contains(requester)) list.add(requester);
        ctx.emit(Kind.IGNORED, l.id, target, null, null, Reason.BRIDGE_PENDING);
        return 0;
    }

    /** Answers requester {@code r} on {@code from} for {@code target}, which lives on another bridged link. */
    void answer(Link from, Requester r, int target) {
        ctx.act(arp.answer(from, r.hrd(), Opcode.REPLY, from.hardwareBytes, target, r.hardware().toByteArray(), r.address()));
        ctx.emit(Kind.ANSWERED, from.id, target, null, null, Reason.BRIDGED);
    }

    /** How long a resolution can take before it fails, with every probe and backoff. */
    private static long resolutionGiveUpNanos(NeighborTimers t) {
        return Math.min(t.maxRetransNanos(), t.retransNanos() << Math.min(t.broadcastProbes(), 16)) * (t.broadcastProbes() + 1);
    }

    void linkRemoved(int link) {
        hosts.entrySet().removeIf(e -> {
            if (e.getValue() != link) return false;
            ctx.act(new Action.RemoveHostRoute(link, e.getKey()));
            return true;
        });
    }
}
