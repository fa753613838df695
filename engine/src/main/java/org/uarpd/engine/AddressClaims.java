package org.uarpd.engine;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.HardwareAddress;

/**
 * RFC 5227 for the host's own addresses: probe before use (§2.1), announce (§2.3), detect conflicts
 * and defend or yield (§2.4), and limit the probing rate after MAX_CONFLICTS (§2.1.1). One
 * {@link Claim} per address the host holds on a link with a {@link ConflictPolicy}.
 *
 * <pre>
 *  added ─probe on──▶ PROBING ─PROBE_NUM probes, ANNOUNCE_WAIT quiet─▶ BOUND (announce ANNOUNCE_NUM)
 *  added ─probe off─▶ BOUND
 *  PROBING ─conflict─▶ LOST                  (address unusable; removed from the kernel if configured)
 *  BOUND   ─conflict─▶ BOUND (defended) | LOST (yielded), by {@link Defense}
 * </pre>
 */
final class AddressClaims {
    enum State { PROBING, BOUND, LOST }

    /** Auxiliary timer ids are negative: 0 is never one, so cancelling it does nothing. */
    static final int NO_TIMER = 0;

    static final class Claim {
        final int link;
        final int address;
        final int prefix;
        State state;
        int probesSent;
        /** The claim's pending probe or announcement task, or {@link #NO_TIMER}. */
        int timer = NO_TIMER;
        /** When the last conflict was recorded for defence (§2.4 (b)), or Long.MIN_VALUE. */
        long lastConflict = Long.MIN_VALUE;
        /** When we last defended (§2.4 (c)), or Long.MIN_VALUE. */
        long lastDefence = Long.MIN_VALUE;
        /** The hardware address of the last host found using the address, or null. */
        HardwareAddress claimant;
        /** Taken back by the operator: announced once bound, whatever the policy's {@code announce}. */
        boolean reclaimed;

        Claim(int link, int address, int prefix) {
            this.link = link;
            this.address = address;
            this.prefix = prefix;
        }
    }

    private final EngineContext ctx;
    private final ArpDomain arp;
    private final SplittableRandom random;
    private final Map<Long, Claim> claims = new HashMap<>();
    /** Per link: conflicts seen, and when the last probe run started (for the §2.1.1 rate limit). */
    private final Map<Integer, long[]> linkConflicts = new HashMap<>();

    AddressClaims(EngineContext ctx, ArpDomain arp, long seed) {
        this.ctx = ctx;
        this.arp = arp;
        this.random = new SplittableRandom(seed ^ 0x5227L);
    }

    private static long key(int link, int address) {
        return ((long) link << 32) | (address & 0xFFFFFFFFL);
    }

    Claim find(int link, int address) {
        return claims.get(key(link, address));
    }

    /** True when uarpd must not answer for {@code address} (still probing, or lost to another host). */
    boolean unusable(int link, int address) {
        // The answering path asks this for every request to one of our addresses: no map lookup (and
        // no boxing) unless the link has a claim that is not bound.
        Link l = ctx.links.get(link);
        if (l == null || l.unusableClaims == 0) return false;
        Claim c = find(link, address);
        return c != null && c.state != State.BOUND;
    }

    /** The one place a claim changes state: keeps the link's count of unusable claims. */
    private void setState(Claim c, State next) {
        Link l = ctx.links.get(c.link);
        if (l != null) {
            if (c.state != null && c.state != State.BOUND) l.unusableClaims--;
            if (next != null && next != State.BOUND) l.unusableClaims++;
        }
        c.state = next;
    }

    /** The host gained {@code address} on {@code l}. */
    void added(Link l, int address, int prefix) {
        ConflictPolicy p = l.policy.conflict();
        Claim c = new Claim(l.id, address, prefix);
        Claim old = claims.put(key(l.id, address), c);
        if (old != null) {
            ctx.cancelTask(old.timer);
            setState(old, null);
        }
        if (!p.probe()) {
            setState(c, State.BOUND);
            if (p.announce()) announceWhileBound(c, p.timings().announceNum(), p.timings().announceIntervalNanos());
            return;
        }
        startProbing(l, c);
    }

    /**
     * The operator takes back {@code address}, yielded to another host: a fresh RFC 5227 probe run
     * (§2.1.1, still subject to the rate limit after MAX_CONFLICTS), then ANNOUNCE_NUM announcements.
     * A conflict during the probes yields it again.
     */
    void reclaim(Link l, int address) {
        Claim old = find(l.id, address);
        if (old == null || old.state != State.LOST) {
            ctx.emit(Kind.IGNORED, l.id, address, null, null, Reason.NOT_YIELDED);
            return;
        }
        Claim c = new Claim(l.id, address, old.prefix);
        c.reclaimed = true;
        c.claimant = old.claimant;
        claims.put(key(l.id, address), c);
        setState(old, null);
        ctx.emit(Kind.CLAIMED, l.id, address, old.claimant, l.hardware, null, Reason.RECLAIMING);
        startProbing(l, c);
    }

    private void startProbing(Link l, Claim c) {
        int address = c.address;
        setState(c, State.PROBING);
        ConflictTimings t = l.policy.conflict().timings();
        long now = ctx.now();
        // §2.1.1: wait a random time in [0, PROBE_WAIT) so hosts powered on together do not probe in step.
        long start = now + randomBetween(0, t.probeWaitNanos());
        long[] s = linkConflicts.computeIfAbsent(l.id, k -> new long[] {0, Long.MIN_VALUE});
        if (s[0] >= t.maxConflicts() && s[1] != Long.MIN_VALUE && start < s[1] + t.rateLimitIntervalNanos()) {
            // §2.1.1: after MAX_CONFLICTS, at most one probe run per RATE_LIMIT_INTERVAL.
            start = s[1] + t.rateLimitIntervalNanos();
            ctx.emit(Kind.IGNORED, l.id, address, null, null, Reason.CONFLICT_RATE_LIMIT);
        }
        s[1] = start;
        ctx.emit(Kind.CLAIMED, l.id, address, null, null, Reason.PROBING);
        c.timer = ctx.after(start - now, () -> probeDue(c));
    }

    /** The host lost {@code address}: forget its claim. */
    void removed(int link, int address) {
        Claim c = claims.remove(key(link, address));
        if (c != null) {
            ctx.cancelTask(c.timer);
            setState(c, null);
        }
    }

    void linkRemoved(int link) {
        claims.values().removeIf(c -> {
            if (c.link != link) return false;
            ctx.cancelTask(c.timer);
            return true;
        });
        linkConflicts.remove(link);
    }

    private void probeDue(Claim c) {
        // The task that called us is spent and its id free for reuse: cancelling it later could cancel another's.
        c.timer = NO_TIMER;
        if (find(c.link, c.address) != c || c.state != State.PROBING) return;
        Link l = ctx.links.get(c.link);
        if (l == null) return;
        ConflictTimings t = l.policy.conflict().timings();
        if (c.probesSent < t.probeNum()) {
            if (l.up) arp.probe(l, c.address);
            c.probesSent++;
            long next = c.probesSent < t.probeNum() ? randomBetween(t.probeMinNanos(), t.probeMaxNanos()) : t.announceWaitNanos();
            c.timer = ctx.after(next, () -> probeDue(c));
            return;
        }
        // §2.1.1: PROBE_NUM probes and ANNOUNCE_WAIT without a conflict: the address is ours.
        setState(c, State.BOUND);
        ctx.emit(Kind.CLAIMED, c.link, c.address, l.hardware, null, Reason.CLAIMED);
        if (l.policy.conflict().announce() || c.reclaimed) announceWhileBound(c, t.announceNum(), t.announceIntervalNanos());
    }

    /**
     * {@code count} announcements {@code interval} apart (RFC 5227 §2.3), kept as the claim's timer so
     * that an address lost or removed meanwhile is not announced any more (§2.4: stop using it).
     */
    private void announceWhileBound(Claim c, int count, long interval) {
        c.timer = NO_TIMER;
        if (find(c.link, c.address) != c || c.state != State.BOUND) return;
        arp.announceRepeatedly(c.link, c.address, 1, 0);
        if (count > 1) c.timer = ctx.after(interval, () -> announceWhileBound(c, count - 1, interval));
    }

    /**
     * RFC 5227 §2.1.1: {@code o}, a probe (sender address 0) on {@code l}, is for an address we are
     * probing for — another host wants it too. Returns true when it was such a probe (the frame is
     * then not learnt from).
     */
    boolean probedFor(Link l, ArpObservation o) {
        Claim c = find(l.id, o.target);
        if (c == null || c.state != State.PROBING) return false;
        HardwareAddress hw = o.senderHardwareAddress();
        if (!o.sourceMatchesSender() && l.policy.conflict().ignoreMismatchedProbes()) {
            ctx.emit(Kind.IGNORED, l.id, o.target, hw, null, Reason.MISMATCHED_PROBE);
            return true;
        }
        lose(l, c, hw, Reason.PROBE_CONFLICT);
        return true;
    }

    /**
     * RFC 5227 §2.4: {@code o}'s sender uses {@code o.sender}, one of the addresses {@code l} holds.
     * Always a conflict (the frame is not learnt from).
     */
    void usedBySomeoneElse(Link l, ArpObservation o) {
        int sender = o.sender;
        Claim c = find(l.id, sender);
        if (c == null) {
            // An address the host held before its link's policy had conflict handling: bound already.
            c = new Claim(l.id, sender, prefixOf(l, sender));
            setState(c, State.BOUND);
            claims.put(key(l.id, sender), c);
        }
        HardwareAddress hw = o.senderHardwareAddress();
        switch (c.state) {
            case PROBING -> lose(l, c, hw, Reason.PROBE_CONFLICT);
            case LOST -> {
                c.claimant = hw;
                ctx.emit(Kind.CONFLICT, l.id, sender, hw, l.hardware, null, Reason.ADDRESS_CONFLICT);
            }
            case BOUND -> defend(l, c, hw);
        }
    }

    /** §2.4: the address is in use and someone else claims it. */
    private void defend(Link l, Claim c, HardwareAddress claimant) {
        ConflictPolicy p = l.policy.conflict();
        long now = ctx.now();
        long interval = p.timings().defendIntervalNanos();
        count(l.id);
        c.claimant = claimant;
        HardwareAddress ours = l.hardware;
        switch (p.defenseFor(c.address)) {
            case REPORT -> ctx.emit(Kind.CONFLICT, l.id, c.address, claimant, ours, null, Reason.ADDRESS_CONFLICT);
            case NEVER -> lose(l, c, claimant, Reason.YIELDED);
            case ONCE_THEN_YIELD -> {
                if (c.lastConflict != Long.MIN_VALUE && now - c.lastConflict < interval) {
                    lose(l, c, claimant, Reason.YIELDED);
                } else {
                    c.lastConflict = now;
                    c.lastDefence = now;
                    ctx.emit(Kind.CONFLICT, l.id, c.address, claimant, ours, null, Reason.DEFENDED);
                    arp.announce(l, c.address);
                }
            }
            case ALWAYS -> {
                if (c.lastDefence == Long.MIN_VALUE || now - c.lastDefence >= interval) {
                    c.lastDefence = now;
                    ctx.emit(Kind.CONFLICT, l.id, c.address, claimant, ours, null, Reason.DEFENDED);
                    arp.announce(l, c.address);
                } else {
                    // At most one defence per DEFEND_INTERVAL, so two defenders cannot flood the link.
                    ctx.emit(Kind.CONFLICT, l.id, c.address, claimant, ours, null, Reason.DEFEND_INTERVAL);
                }
            }
        }
    }

    private void lose(Link l, Claim c, HardwareAddress claimant, Reason why) {
        if (why == Reason.PROBE_CONFLICT) count(l.id);
        ctx.cancelTask(c.timer);
        setState(c, State.LOST);
        c.claimant = claimant;
        ctx.emit(Kind.CONFLICT, l.id, c.address, claimant, l.hardware, null, why);
        if (l.policy.conflict().removeOnConflict() && l.owns(c.address)) {
            claims.remove(key(c.link, c.address));
            setState(c, null);
            // §2.4: the host must stop using the address; the backend deletes it from the kernel.
            l.removeAddress(c.address);
            ctx.act(new Action.RemoveAddress(l.id, c.address, c.prefix));
            ctx.emit(Kind.REMOVED, l.id, c.address, null, null, Reason.ADDRESS_CONFLICT);
        }
    }

    /** Every claim as the operator sees it (see {@link AddressClaim.State}). */
    java.util.List<AddressClaim> view() {
        java.util.List<AddressClaim> all = new java.util.ArrayList<>(claims.size());
        long now = ctx.now();
        for (Claim c : claims.values()) {
            Link l = ctx.links.get(c.link);
            if (l != null) all.add(new AddressClaim(c.link, c.address, c.prefix, publicState(l, c, now), c.claimant));
        }
        return all;
    }

    private static AddressClaim.State publicState(Link l, Claim c, long now) {
        return switch (c.state) {
            case PROBING -> AddressClaim.State.PROBING;
            case LOST -> AddressClaim.State.YIELDED;
            case BOUND -> {
                long interval = l.policy.conflict().timings().defendIntervalNanos();
                long last = Math.max(c.lastDefence, c.lastConflict);
                if (last != Long.MIN_VALUE && now - last < interval) yield AddressClaim.State.DEFENDING;
                yield c.timer != NO_TIMER ? AddressClaim.State.ANNOUNCING : AddressClaim.State.BOUND;
            }
        };
    }

    private void count(int link) {
        linkConflicts.computeIfAbsent(link, k -> new long[] {0, Long.MIN_VALUE})[0]++;
    }

    private static int prefixOf(Link l, int address) {
        for (int i = 0; i < l.addressCount; i++) if (l.addresses[i] == address) return l.prefixes[i];
        return 32;
    }

    private long randomBetween(long min, long max) {
        return max <= min ? min : min + random.nextLong(max - min);
    }
}
