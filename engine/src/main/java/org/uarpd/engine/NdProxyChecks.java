package org.uarpd.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.Ip6Address;

/**
 * The conditions under which a published IPv6 entry answers ({@link NdPublished.When}), for proxy
 * neighbour discovery that claims only hosts that exist or are routed elsewhere (RFC 4389 §4.1.3
 * has a proxy answer only for nodes on its other side).
 *
 * <ul>
 * <li>{@link NdPublished.When#ROUTE}: the longest-prefix route to the target ({@link Routes6}, fed
 *     by {@link Input.RouteChanged6}) names the link to ask on: a route out of another of uarpd's
 *     links makes the target checked there exactly as for {@code TARGET_ANSWERS}, so only hosts
 *     that exist behind the route are claimed (ndppd's {@code auto}); no route, a route back out of
 *     the asking link or out of a link uarpd does not run on answers nothing.
 * <li>{@link NdPublished.When#TARGET_ANSWERS}: the first solicitation for a target makes uarpd ask
 *     the target itself on the entry's {@code via} link (a multicast solicitation from our own
 *     address there, RFC 4861 §7.2.2), up to {@link #PROBES} times {@link #RETRANS_NANOS} apart.
 *     Any valid advertisement for the target on that link makes it <em>present</em> for
 *     {@link #PRESENT_NANOS}: the solicitors waiting meanwhile are answered then, and later ones at
 *     once. Silence makes it <em>absent</em> for {@link #ABSENT_NANOS}, during which its solicitations
 *     are not answered and nothing is asked on {@code via} (a scan of the prefix costs one round of
 *     solicitations per address at most every {@link #ABSENT_NANOS}). At most {@link #MAX_CHECKS}
 *     targets are remembered, {@link #MAX_WAITING} solicitors per target wait, and solicitations on
 *     each {@code via} link are rate limited ({@link #SOLICITS}).
 * </ul>
 */
final class NdProxyChecks {
    /** Solicitations sent on {@code via} before a target is taken as absent. */
    static final int PROBES = 3;
    /** Between two of them: half RFC 4861's RetransTimer, so an absent target is known within 1.5 s. */
    static final long RETRANS_NANOS = 500_000_000L;
    /** How long a target that answered is answered for without asking again (RFC 4861's REACHABLE_TIME). */
    static final long PRESENT_NANOS = 30_000_000_000L;
    /** How long a silent target stays unanswered before it may be asked again. */
    static final long ABSENT_NANOS = 5_000_000_000L;
    static final int MAX_CHECKS = 4096;
    static final int MAX_WAITING = 8;
    /** New questions per {@code via} link: a burst of 64, then 100 a second. */
    static final RateLimit SOLICITS = new RateLimit(64, 100);

    private static final byte CHECKING = 0;
    private static final byte PRESENT = 1;
    private static final byte ABSENT = 2;

    private record Key(int via, long high, long low) {}

    /** A solicitor to answer once the target is known present. */
    private record Waiter(int link, boolean fromUnspecified, long sourceHigh, long sourceLow, byte[] solicitorMac, byte[] mac) {}

    private static final class Check {
        final Key key;
        byte state = CHECKING;
        int sent;
        int timer;
        final List<Waiter> waiting = new ArrayList<>(2);

        Check(Key key) {
            this.key = key;
        }
    }

    private final EngineContext ctx;
    private final NdDomain nd;
    private final Map<Key, Check> checks = new HashMap<>();
    /** Per {@code via} link: the rate limit's theoretical arrival time. */
    private final Map<Integer, Long> asked = new HashMap<>();
    final Routes6 routes = new Routes6();

    NdProxyChecks(EngineContext ctx, NdDomain nd) {
        this.ctx = ctx;
        this.nd = nd;
    }

    /**
     * Whether solicitation {@code q} received on {@code asking} for a target of {@code e} is answered
     * now (with {@code mac}); when not, an event says why, and a solicitor waiting for the target's
     * answer is answered later by this class.
     */
    boolean allows(Link asking, NdPublished e, NdObservation q, byte[] mac) {
        return switch (e.when()) {
            case ALWAYS -> true;
            case ROUTE -> routed(asking, q, mac);
            case TARGET_ANSWERS -> targetAnswers(asking, ctx.links.named(e.via()), e.via(), q, mac);
        };
    }

    private boolean routed(Link asking, NdObservation q, byte[] mac) {
        int out = routes.linkFor(q.targetHigh, q.targetLow);
        if (out == 0 || out == asking.id) {
            ignored(asking.id, q.targetHigh, q.targetLow, out == 0 ? Reason.NO_ROUTE : Reason.ROUTED_BACK, null);
            return false;
        }
        Link via = ctx.links.get(out);
        if (via == null) {
            // uarpd hears nothing there, so it cannot learn whether the target exists.
            ignored(asking.id, q.targetHigh, q.targetLow, Reason.UNKNOWN_LINK, "the route leaves by interface " + out + ", not one of uarpd's");
            return false;
        }
        return targetAnswers(asking, via, via.name, q, mac);
    }

    private boolean targetAnswers(Link asking, Link via, String viaName, NdObservation q, byte[] mac) {
        if (via == asking) {
            ignored(asking.id, q.targetHigh, q.targetLow, Reason.VIA_IS_ASKING_LINK, "via " + viaName + " is the asking link");
            return false;
        }
        if (via == null || !via.up) {
            ignored(asking.id, q.targetHigh, q.targetLow, Reason.LINK_IS_DOWN, "via " + viaName + " is not up");
            return false;
        }
        Key key = new Key(via.id, q.targetHigh, q.targetLow);
        Check c = checks.get(key);
        if (c != null) {
            switch (c.state) {
                case PRESENT -> {
                    return true;
                }
                case ABSENT -> ignored(asking.id, q.targetHigh, q.targetLow, Reason.TARGET_SILENT, "no answer on " + via.name);
                default -> {
                    if (c.waiting.size() < MAX_WAITING) c.waiting.add(waiter(asking, q, mac));
                    ignored(asking.id, q.targetHigh, q.targetLow, Reason.ASKING_TARGET, "asking on " + via.name);
                }
            }
            return false;
        }
        Reason refused = checks.size() >= MAX_CHECKS ? Reason.TOO_MANY_PENDING
                : nd.cannotSolicit(via) != null ? nd.cannotSolicit(via) : rateLimited(via.id) ? Reason.LINK_RATE_LIMITED : null;
        if (refused != null) {
            ignored(asking.id, q.targetHigh, q.targetLow, refused, "cannot ask on " + via.name);
            return false;
        }
        c = new Check(key);
        checks.put(key, c);
        c.waiting.add(waiter(asking, q, mac));
        ignored(asking.id, q.targetHigh, q.targetLow, Reason.ASKING_TARGET, "asking on " + via.name);
        ask(via, c);
        return false;
    }

    private boolean rateLimited(int via) {
        long tat = asked.getOrDefault(via, Long.MIN_VALUE);
        if (SOLICITS.earliest(tat, ctx.now()) != Long.MIN_VALUE) return true;
        asked.put(via, SOLICITS.charge(tat, ctx.now()));
        return false;
    }

    private static Waiter waiter(Link asking, NdObservation q, byte[] mac) {
        return new Waiter(asking.id, q.sourceUnspecified, q.sourceHigh, q.sourceLow,
                (q.hasLinkLayer ? q.linkLayer : q.linkSource).clone(), mac.clone());
    }

    private void ask(Link via, Check c) {
        nd.solicitTarget(via, c.key.high(), c.key.low());
        c.sent++;
        c.timer = ctx.after(RETRANS_NANOS, () -> retry(c));
    }

    private void retry(Check c) {
        c.timer = 0;
        if (checks.get(c.key) != c || c.state != CHECKING) return;
        Link via = ctx.links.get(c.key.via());
        if (via != null && via.up && c.sent < PROBES && nd.cannotSolicit(via) == null) {
            ask(via, c);
            return;
        }
        c.state = ABSENT;
        ctx.emit(Kind.FAILED, c.key.via(), 0, address(c.key), null, null, Reason.TARGET_SILENT, 0,
                c.waiting.size() + " solicitor(s) not answered; not asked again for " + ABSENT_NANOS / 1_000_000_000L + " s");
        c.waiting.clear();
        c.timer = ctx.after(ABSENT_NANOS, () -> forget(c));
    }

    /** A valid advertisement for ({@code h}, {@code l}) arrived on {@code l}: a target being asked for there is present. */
    void advertised(Link link, long h, long l) {
        if (checks.isEmpty()) return;
        Check c = checks.get(new Key(link.id, h, l));
        if (c == null) return;
        if (c.timer != 0) ctx.cancelTask(c.timer);
        c.state = PRESENT;
        for (Waiter w : c.waiting) {
            Link asking = ctx.links.get(w.link());
            if (asking == null || !asking.up) continue;
            nd.answer(asking, h, l, w.fromUnspecified(), w.sourceHigh(), w.sourceLow(), w.solicitorMac(), false, w.mac(), Reason.PUBLISHED);
        }
        c.waiting.clear();
        c.timer = ctx.after(PRESENT_NANOS, () -> forget(c));
    }

    private void forget(Check c) {
        c.timer = 0;
        checks.remove(c.key, c);
    }

    /** Route changes from the kernel. */
    void route(Input.RouteChanged6 r) {
        if (r.removed()) {
            routes.remove(r.prefix(), r.metric());
        } else if (!routes.add(r.prefix(), r.link(), r.metric())) {
            ctx.emit(Kind.DROPPED, r.link(), 0, r.prefix().network(), null, null, Reason.TABLE_FULL, 0,
                    "more than " + Routes6.MAX_ROUTES + " IPv6 routes: route to " + r.prefix() + " not used by proxy entries");
        }
    }

    /** Targets remembered now (checking, present or absent), at most {@link #MAX_CHECKS}. */
    int size() {
        return checks.size();
    }

    /** The checks asked on a link that went away go with it. */
    void linkRemoved(int id) {
        checks.values().removeIf(c -> {
            if (c.key.via() != id) return false;
            if (c.timer != 0) ctx.cancelTask(c.timer);
            return true;
        });
        asked.remove(id);
    }

    private void ignored(int link, long h, long l, Reason why, String detail) {
        ctx.emit(Kind.IGNORED, link, 0, new Ip6Address(h, l), null, null, why, 0, detail);
    }

    private static Ip6Address address(Key k) {
        return new Ip6Address(k.high(), k.low());
    }
}
