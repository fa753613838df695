package org.uarpd.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.uarpd.engine.NeighborState;
import org.uarpd.sim.rtsock.RoutingMessage;
import org.uarpd.sim.rtsock.RoutingMessageCodec;
import org.uarpd.sim.rtsock.Rtm;
import org.uarpd.sim.rtsock.Sockaddr;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.MalformedFrameException;

/**
 * The kernel's end of the routing sockets (PF_ROUTE): which sockets are open and which of them is
 * the resolver's, the messages the kernel broadcasts to them (RTM_IFINFO, RTM_NEWADDR/DELADDR,
 * RTM_MISS, RTM_ADD for bindings made by someone else; sockaddr_in or sockaddr_in6 after the
 * address family), and {@code route_output}: a message a
 * process writes is decoded, applied to the {@link NeighborCache} or the routing table, and echoed
 * with its errno to every other socket, as in 4.4BSD.
 */
final class RoutingSockets {
    private final Kernel kernel;
    private final SimHost host;
    private final World world;
    private final List<RoutingSocket> open = new ArrayList<>();
    private RoutingSocket resolver;

    RoutingSockets(Kernel kernel) {
        this.kernel = kernel;
        this.host = kernel.host();
        this.world = kernel.world();
    }

    RoutingSocket resolver() {
        return resolver;
    }

    /**
     * Opens the resolver's socket. Like a dump at start-up, it first reads the interfaces
     * (RTM_IFINFO), their addresses (RTM_NEWADDR), the bindings the kernel already has (RTM_ADD)
     * and, through {@link Kernel#resolve}, the resolutions in progress (RTM_MISS).
     */
    RoutingSocket openResolver(int pid, Consumer<byte[]> reader) {
        RoutingSocket s = openMonitor(pid, reader);
        resolver = s;
        for (SimInterface i : host.interfaces()) {
            send(s, ifinfo(i));
            for (SimInterface.InterfaceAddress a : i.addresses()) send(s, addressMessage(Rtm.NEWADDR, Rtm.RTF_UP, i, a));
            for (SimInterface.InterfaceAddress6 a : i.addresses6()) send(s, addressMessage(Rtm.NEWADDR, Rtm.RTF_UP, i, a));
        }
        List<NeighborEntry> entries = kernel.neighbors().sorted();
        for (NeighborEntry e : entries) {
            if (e.resolved()) send(s, neighborMessage(Rtm.ADD, e));
        }
        for (NeighborEntry e : entries) {
            if (e.pendingSince >= 0) kernel.resolve(e);
        }
        return s;
    }

    /** Any process's routing socket (route monitor): reads every broadcast message. */
    RoutingSocket openMonitor(int pid, Consumer<byte[]> reader) {
        RoutingSocket s = new RoutingSocket(this, pid, reader);
        open.add(s);
        return s;
    }

    /** Returns true when {@code s} was the resolver's. */
    boolean closed(RoutingSocket s) {
        open.remove(s);
        if (s != resolver) return false;
        resolver = null;
        kernel.resolverGone();
        return true;
    }

    // ---------------------------------------------------------------- what the kernel says

    void interfaceChanged(SimInterface i) {
        broadcast(ifinfo(i));
    }

    void addressAdded(SimInterface i, SimInterface.InterfaceAddress a) {
        broadcast(addressMessage(Rtm.NEWADDR, Rtm.RTF_UP, i, a));
    }

    void addressRemoved(SimInterface i, SimInterface.InterfaceAddress a) {
        broadcast(addressMessage(Rtm.DELADDR, 0, i, a));
    }

    void addressAdded(SimInterface i, SimInterface.InterfaceAddress6 a) {
        broadcast(addressMessage(Rtm.NEWADDR, Rtm.RTF_UP, i, a));
    }

    void addressRemoved(SimInterface i, SimInterface.InterfaceAddress6 a) {
        broadcast(addressMessage(Rtm.DELADDR, 0, i, a));
    }

    /** RTM_MISS: no binding for the entry's address; {@code held} packets wait, {@code misses} asked before. */
    void miss(NeighborEntry e) {
        broadcast(new RoutingMessage(Rtm.MISS, e.iface.index(), Rtm.RTF_UP | Rtm.RTF_HOST | Rtm.RTF_LLINFO, 0, 0, 0,
                e.held.size(), e.misses, 0, null, e.sockaddr(), null, null, dl(e.iface), null));
    }

    /**
     * Traffic uses a binding the resolver installed as STALE: an RTM_MISS that carries the hardware
     * address in use (Linux asks its application resolver the same way when an entry goes from
     * DELAY to PROBE). The resolver answers with RTM_CHANGE, or RTM_DELETE if the neighbour is gone.
     */
    void recheck(NeighborEntry e) {
        broadcast(new RoutingMessage(Rtm.MISS, e.iface.index(), Rtm.RTF_UP | Rtm.RTF_HOST | Rtm.RTF_LLINFO, 0, 0, 0, 0, 0, 0, e.state,
                e.sockaddr(), linkAddress(e), null, dl(e.iface), null));
    }

    /** A binding made by someone other than the resolver (the kernel's ARP, an operator): RTM_ADD to all. */
    void neighborAdded(NeighborEntry e) {
        broadcast(neighborMessage(Rtm.ADD, e));
    }

    private RoutingMessage ifinfo(SimInterface i) {
        return new RoutingMessage(Rtm.IFINFO, i.index(), i.up() ? Rtm.IFF_UP : 0, 0, 0, 0, 0, 0, 0, null, null, null, null, dl(i), null);
    }

    private RoutingMessage addressMessage(int type, int flags, SimInterface i, SimInterface.InterfaceAddress a) {
        return addressMessage(type, flags, i, new Sockaddr.In(a.address()), new Sockaddr.In(Ip4.mask(a.prefixLength())));
    }

    private RoutingMessage addressMessage(int type, int flags, SimInterface i, SimInterface.InterfaceAddress6 a) {
        return addressMessage(type, flags, i, new Sockaddr.In6(a.address()), Sockaddr.In6.mask(a.prefixLength()));
    }

    private RoutingMessage addressMessage(int type, int flags, SimInterface i, Sockaddr.Inet address, Sockaddr.Inet mask) {
        return new RoutingMessage(type, i.index(), flags, 0, 0, 0, 0, 0, 0, null, address, null, mask, dl(i), address);
    }

    private RoutingMessage neighborMessage(int type, NeighborEntry e) {
        int flags = Rtm.RTF_UP | Rtm.RTF_HOST | Rtm.RTF_LLINFO | (e.pinned ? Rtm.RTF_STATIC : 0);
        return new RoutingMessage(type, e.iface.index(), flags, 0, 0, 0, 0, 0, 0, e.state, e.sockaddr(),
                linkAddress(e), null, dl(e.iface), null);
    }

    private static Sockaddr.Dl linkAddress(NeighborEntry e) {
        return new Sockaddr.Dl(e.iface.index(), SimLinkTypes.interfaceType(e.iface.type()), "", e.hardware);
    }

    /** The interface as a sockaddr_dl: index, IFT_* type, name and its own hardware address. */
    static Sockaddr.Dl dl(SimInterface i) {
        return new Sockaddr.Dl(i.index(), SimLinkTypes.interfaceType(i.type()), i.name(), i.address());
    }

    private void broadcast(RoutingMessage m) {
        if (open.isEmpty()) return;
        byte[] bytes = RoutingMessageCodec.encode(m);
        for (RoutingSocket s : List.copyOf(open)) deliver(s, bytes);
    }

    private void send(RoutingSocket s, RoutingMessage m) {
        deliver(s, RoutingMessageCodec.encode(m));
    }

    private void deliver(RoutingSocket s, byte[] bytes) {
        int epoch = host.epoch();
        world.sim().after(world.socketLatency(), () -> {
            if (s.open && host.epoch() == epoch) s.reader.accept(bytes);
        });
    }

    // ---------------------------------------------------------------- route_output

    /** Applies a message written by {@code from}; echoes it, with its errno, to the other sockets. */
    int write(RoutingSocket from, byte[] bytes) {
        RoutingMessage m;
        try {
            m = RoutingMessageCodec.decode(bytes);
        } catch (MalformedFrameException e) {
            kernel.trace(() -> "routing socket: refused malformed message from pid " + from.pid() + ": " + e.getMessage());
            return Rtm.EINVAL;
        }
        int errno = apply(m);
        RoutingMessage echo = new RoutingMessage(m.type(), m.index(), m.flags() | (errno == 0 ? Rtm.RTF_DONE : 0), from.pid(), m.seq(), errno,
                m.held(), m.probes(), m.expire(), m.state(), m.dst(), m.gateway(), m.netmask(), m.ifp(), m.ifa());
        byte[] out = RoutingMessageCodec.encode(echo);
        for (RoutingSocket s : List.copyOf(open)) if (s != from) deliver(s, out);
        if (errno != 0) kernel.trace(() -> "routing socket: " + m + " failed, errno " + errno);
        return errno;
    }

    private int apply(RoutingMessage m) {
        SimInterface ifp = host.interfaceByIndex(m.index());
        if (ifp == null) return Rtm.ENETUNREACH;
        Sockaddr.Inet dst = m.dst();
        if (dst == null) return Rtm.EINVAL;
        NeighborCache cache = kernel.neighbors();
        return switch (m.type()) {
            case Rtm.ADD, Rtm.CHANGE -> {
                if (m.has(Rtm.RTF_LLINFO)) {
                    if (!(m.gateway() instanceof Sockaddr.Dl gw)) yield Rtm.EINVAL;
                    if (gw.address().length() != ifp.type().addressLength()) yield Rtm.EINVAL;
                    NeighborState state = m.has(Rtm.RTF_REJECT) ? NeighborState.FAILED
                            : m.state() != null ? m.state() : m.has(Rtm.RTF_STATIC) ? NeighborState.STATIC : NeighborState.REACHABLE;
                    kernel.trace(() -> Rtm.typeName(m.type()) + " " + dst + " " + gw.address() + " " + state + " on " + ifp.name());
                    cache.install(ifp, dst, gw.address(), state, true);
                    yield 0;
                }
                // host routes are IPv4's (proxy-ARP bridging); the IPv6 table here has on-link prefixes only
                if (m.has(Rtm.RTF_HOST) && dst instanceof Sockaddr.In in) {
                    kernel.addHostRoute(ifp, in.address(), m.flags());
                    yield 0;
                }
                yield Rtm.EINVAL;
            }
            case Rtm.DELETE -> {
                if (m.has(Rtm.RTF_LLINFO)) {
                    NeighborEntry e = cache.get(ifp, dst);
                    if (e == null) yield Rtm.ESRCH;
                    if (m.has(Rtm.RTF_REJECT)) {
                        // a resolver may say why in rtm_errno: ECONNREFUSED for an ATMARP NAK
                        cache.fail(e, 0, m.errno() == Rtm.ECONNREFUSED ? SimStats.Failure.NAK : SimStats.Failure.NO_ANSWER);
                    } else {
                        kernel.trace(() -> "RTM_DELETE " + dst + " on " + ifp.name());
                    }
                    cache.remove(e);
                    yield 0;
                }
                if (m.has(Rtm.RTF_HOST) && dst instanceof Sockaddr.In in) yield kernel.removeHostRoute(ifp, in.address()) ? 0 : Rtm.ESRCH;
                yield Rtm.EINVAL;
            }
            default -> Rtm.EINVAL;
        };
    }

    /** The host crashed: every socket is gone, no message is delivered. */
    void reset() {
        for (RoutingSocket s : open) s.open = false;
        open.clear();
        resolver = null;
    }
}
