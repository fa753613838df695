package org.uarpd.engine;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.Ip6Address;

/**
 * The checks an input or an operator command naming a link passes before a protocol domain acts on
 * it, and the published-entry scopes it may change: one copy for ARP ({@link Engine}) and ND
 * ({@link NdStack}). Events name the address either as IPv4 ({@code address}) or IPv6
 * ({@code address6}, the other then 0).
 */
final class LinkGate {
    private LinkGate() {}

    /** Link {@code id}, or null having reported it unknown. */
    static Link known(EngineContext ctx, int id, int address, Ip6Address address6) {
        Link l = ctx.links.get(id);
        if (l == null) ctx.emit(Kind.DROPPED, id, address, address6, null, null, Reason.UNKNOWN_LINK, 0, null);
        return l;
    }

    /** Link {@code id} if {@code domain} can resolve on it now; else null, with an event saying why. */
    static Link resolvable(EngineContext ctx, NeighborDomain domain, int id, int address, Ip6Address address6) {
        Link l = known(ctx, id, address, address6);
        if (l == null) return null;
        Reason why = !l.up ? Reason.LINK_IS_DOWN : domain.cannotSolicit(l);
        if (why == null) return l;
        ctx.emit(Kind.IGNORED, id, address, address6, null, null, why, 0, null);
        return null;
    }

    /**
     * Applies {@code change} to the published entries of link {@code id} ({@code ofLink}), or to
     * {@code everywhere} for id 0. An unknown link is reported when {@code adding} (a publish that
     * cannot happen); withdrawing from one is already done.
     */
    static <S> void changePublished(EngineContext ctx, int id, S everywhere, Function<Link, S> ofLink,
                                    Consumer<S> change, boolean adding) {
        Link l = id == 0 ? null : ctx.links.get(id);
        if (id == 0) change.accept(everywhere);
        else if (l != null) change.accept(ofLink.apply(l));
        else if (adding) ctx.emit(Kind.DROPPED, id, 0, null, null, Reason.UNKNOWN_LINK);
    }

    /**
     * A reconfigured link's published entries: those configured before go, those configured now come,
     * and those an operator published stay.
     */
    static <E> void swapConfigured(List<E> before, List<E> now, Consumer<E> remove, Consumer<E> add) {
        before.forEach(remove);
        now.forEach(add);
    }
}
