package org.uarpd.engine;

import java.util.List;
import java.util.Map;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;

/**
 * The second protocol domain, IPv6 neighbour discovery, as the {@link Engine} routes to it: a table
 * of its own ({@link Ip6Addresses} column, entry timers on a wheel of its own), the same
 * {@link Neighbors} state machine and {@link KernelBindings} over it with {@link NdDomain}, and the
 * ND edge ({@link NdReceiver}, {@link NdClaims}). Links themselves (up, hardware address, mode,
 * guard switches) are the engine's; their IPv6 side is {@link NdLink}.
 */
final class NdStack {
    private final EngineContext ctx;
    private final NdDomain nd;
    private final NdNeighbors neighbors;
    private final NdClaims claims;
    private final NdReceiver receiver;
    private final NdProxyChecks checks;
    /** IPv6's side of the guard's verified changes: a unicast NS to the old station, the ND table believes. */
    final Guard.Verifier<Ip6Address> verifier;

    NdStack(EngineContext ctx, NdConfig config) {
        this.ctx = ctx;
        EngineConfig engine = ctx.config();
        Ip6Addresses addresses = new Ip6Addresses();
        TimerWheel wheel = new TimerWheel();
        NeighborTable table = new NeighborTable(addresses, engine.maxEntries(), engine.maxStaticEntries(), wheel);
        nd = new NdDomain(ctx, table, addresses, config);
        Neighbors machine = new Neighbors(ctx, table, nd);
        ctx.addEntryWheel(wheel, machine::handleTimer);
        neighbors = new NdNeighbors(ctx, table, addresses, machine);
        claims = new NdClaims(ctx, nd, engine.seed());
        checks = new NdProxyChecks(ctx, nd);
        receiver = new NdReceiver(ctx, nd, neighbors, claims, checks);
        verifier = new Guard.Verifier<>(nd::askHolder, neighbors::believe);
    }

    NdConfig config() {
        return nd.config();
    }

    /** Takes the frame if it is IPv6 on an Ethernet link; false leaves it to ARP. */
    boolean frame(int linkId, byte[] buf, int off, int len) {
        Link l = ctx.links.get(linkId);
        if (!NdDomain.isIp6(l, buf, off, len)) return false;
        receiver.frame(l, buf, off, len);
        return true;
    }

    void handle(Input input) {
        switch (input) {
            case Input.KernelMiss6 m -> {
                Link l = LinkGate.resolvable(ctx, nd, m.link(), 0, m.address());
                if (l != null) neighbors.kernelMiss(l, m.address(), m.probes(), m.known());
            }
            case Input.AddressAdded6 a -> {
                Link l = LinkGate.known(ctx, a.link(), 0, a.address());
                if (l != null) claims.added(l, a.address(), a.prefixLength(), a.valid());
            }
            case Input.AddressRemoved6 a -> {
                Link l = ctx.links.get(a.link());
                if (l == null) return;
                claims.removed(l, a.address());
                neighbors.purgeOffLink(l, nd.link(l));
            }
            case Input.KernelNeighborChanged6 k -> neighbors.kernelChanged(k.link(), k.address(), k.hardware(), k.state(), k.router());
            case Input.RouteChanged6 r -> checks.route(r);
            case Input.RoutesReset6 r -> checks.routes.clear();
            default -> throw new IllegalArgumentException("not an IPv6 input: " + input);
        }
    }

    void command(OperatorCommand command) {
        switch (command) {
            case OperatorCommand.AddStatic6 a -> neighbors.addStatic(a.link(), a.address(), a.hardware());
            case OperatorCommand.DeleteStatic6 d -> neighbors.deleteStatic(d.link(), d.address());
            case OperatorCommand.Probe6 p -> {
                Link l = LinkGate.resolvable(ctx, nd, p.link(), 0, p.address());
                if (l != null) neighbors.resolve(l, p.address());
            }
            case OperatorCommand.Publish6 p ->
                    LinkGate.changePublished(ctx, p.link(), receiver.everywhere, l -> nd.link(l).published, s -> s.add(p.entry()), true);
            case OperatorCommand.Unpublish6 u ->
                    LinkGate.changePublished(ctx, u.link(), receiver.everywhere, l -> nd.link(l).published, s -> s.remove(u.entry()), false);
            case OperatorCommand.ReconfigureNd r -> reconfigure(r.next());
            default -> throw new IllegalArgumentException("not an IPv6 command: " + command);
        }
    }

    /** Each known link's ND policy becomes {@code next}'s (its configured published entries swapped); entries stay. */
    void reconfigure(NdConfig next) {
        nd.reconfigure(next);
        for (NdLink n : nd.all()) {
            Link l = ctx.links.get(n.id);
            NdLinkPolicy policy = next.policyFor(l == null ? null : l.name);
            LinkGate.swapConfigured(n.policy.published(), policy.published(), n.published::remove, n.published::add);
            n.policy = policy;
        }
        neighbors.reconfigure();
    }

    /** The engine's configuration changed: the ND timers are re-read (they are {@link NdConfig}'s). */
    void reconfigure() {
        neighbors.reconfigure();
    }

    void linkChanged(Link l, boolean created, boolean wasUp) {
        boolean wentDown = wasUp && !l.up;
        if (created) {
            for (Map.Entry<Ip6Address, HardwareAddress> e : nd.link(l).policy.pinned().entrySet()) {
                neighbors.addStatic(l.id, e.getKey(), e.getValue());
            }
        }
        if (wentDown) neighbors.flush(l.id, Reason.LINK_DOWN, false, false);
        if (!wasUp && l.up && !created) claims.linkUp(l);
    }

    /** {@link OperatorCommand.Flush}: the link's (0: every link's) dynamic IPv6 entries go too, the kernel told. */
    void flush(int link) {
        neighbors.flush(link, Reason.FLUSHED, false, true);
    }

    void linkRemoved(int id) {
        neighbors.flush(id, Reason.LINK_REMOVED, true, false);
        checks.linkRemoved(id);
        NdLink n = nd.forget(id);
        if (n != null) claims.linkRemoved(n);
    }

    // -- read-only views -------------------------------------------------------------------------

    Engine.Neighbor6 lookup(int link, Ip6Address address) {
        return neighbors.lookup(link, address);
    }

    List<Engine.Neighbor6> all() {
        return neighbors.all();
    }

    int size() {
        return neighbors.size();
    }

    int pending() {
        return neighbors.pending();
    }

    /** The IPv6 side's tables with their bounds (see {@link Bound#all}). */
    void bounds(EngineConfig c, List<Bound> all) {
        NeighborTable t = neighbors.table();
        all.add(new Bound("neighbors6.dynamic", 0, t.dynamicCount(), c.maxEntries()));
        all.add(new Bound("neighbors6.static", 0, t.staticCount(), c.maxStaticEntries()));
        all.add(new Bound("neighbors6.incomplete", 0, t.incomplete(), c.maxPending()));
        all.add(new Bound("ndproxy.checks", 0, checks.size(), NdProxyChecks.MAX_CHECKS));
        all.add(new Bound("routes6", 0, checks.routes.size(), Routes6.MAX_ROUTES));
    }
}
