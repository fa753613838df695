package org.uarpd.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.uarpd.engine.NeighborState;
import org.uarpd.sim.rtsock.Rtm;
import org.uarpd.wire.ArpFamilyCodec;
import org.uarpd.wire.ArpFamilyPacket;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.AtmArpPacket;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.link.Ethernet;
import org.uarpd.wire.link.TokenRing;
import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.MalformedFrameException;

/**
 * The simulated kernel of one host, as the 1996 NetBSD routing-socket proposal describes it: it keeps
 * only mechanism. Here are its addresses, its IPv4 routing table (connected-subnet routes clone
 * per-destination link-layer entries), its output and input paths and the drivers below them; the
 * link-layer entries and the packets held while one is resolved are the {@link NeighborCache}'s,
 * the routing sockets the {@link RoutingSockets}', and the minimal in-kernel ARP that serves while
 * no daemon runs (diskless boot, legacy hosts) is {@link KernelArp}; IPv6 is {@link Inet6}'s.
 *
 * <p>While a resolver (uarpd) has its routing socket open, misses go to it as RTM_MISS and every
 * ARP-family frame is handed to it through the {@link LinkTap}; the in-kernel ARP is silent (unless
 * the host is in assist mode, {@link #setAssist}). When the resolver closes (or dies), the kernel
 * falls back to its own ARP so the host keeps working. Token Ring source routing lives here too,
 * in the driver ({@link SourceRouting}), below both.
 */
public final class Kernel {
    /** A route: a connected subnet (cloning), a host route, or a gateway route. */
    record Route(int destination, int prefixLength, SimInterface iface, int gateway, int flags) {
        boolean matches(int address) {
            return ((address ^ destination) & Ip4.mask(prefixLength)) == 0;
        }
    }

    private final SimHost host;
    private final World world;
    private final Simulation sim;
    private final List<Route> routes = new ArrayList<>();
    private final NeighborCache neighbors;
    private final RoutingSockets sockets;
    private final KernelArp arp;
    private final Inet6 inet6;
    private LinkTap tap;
    private boolean forwarding;
    private boolean assist;

    Kernel(SimHost host) {
        this.host = host;
        this.world = host.world();
        this.sim = world.sim();
        this.arp = new KernelArp(this);
        this.neighbors = new NeighborCache(this);
        this.sockets = new RoutingSockets(this);
        this.inet6 = new Inet6(this);
    }

    SimHost host() { return host; }
    World world() { return world; }
    Simulation sim() { return sim; }
    KernelArp arp() { return arp; }
    NeighborCache neighbors() { return neighbors; }
    RoutingSockets sockets() { return sockets; }
    Inet6 inet6() { return inet6; }
    LinkTap tap() { return tap; }
    boolean assist() { return assist; }

    public void setHoldDepth(int depth) {
        neighbors.setHoldDepth(depth);
    }

    public int holdDepth() { return neighbors.holdDepth(); }

    public void setForwarding(boolean forwarding) { this.forwarding = forwarding; }

    public boolean forwarding() { return forwarding; }

    /**
     * Assist mode: the kernel keeps its own ARP even while a resolver is attached — it resolves
     * misses and answers for its addresses itself, and the resolver hears the misses and frames too
     * (uarpd then adds published entries, RARP, answers from its cache). Authoritative otherwise.
     */
    public void setAssist(boolean assist) { this.assist = assist; }

    /** True while the in-kernel ARP (and ND) acts: no resolver, or a resolver in assist mode. */
    boolean kernelResolves() {
        return sockets.resolver() == null || assist;
    }

    /** True while a resolver daemon holds the routing socket. */
    public boolean resolverAttached() {
        return sockets.resolver() != null;
    }

    // ---------------------------------------------------------------- addresses and routes

    void addAddress(SimInterface iface, int address, int prefixLength) {
        SimInterface.InterfaceAddress a = new SimInterface.InterfaceAddress(address, prefixLength);
        iface.addAddress(a);
        routes.add(new Route(a.network(), prefixLength, iface, 0, Rtm.RTF_UP | Rtm.RTF_CLONING));
        trace(() -> iface.name() + " address " + a);
        if (isAtm(iface) && kernelResolves()) arp.atmClient(iface).register();
        sockets.addressAdded(iface, a);
    }

    void removeAddress(SimInterface iface, int address) {
        for (SimInterface.InterfaceAddress a : iface.addresses()) {
            if (a.address() != address) continue;
            trace(() -> iface.name() + " address " + a + " removed");
            iface.removeAddress(address);
            routes.removeIf(r -> r.iface == iface && r.gateway == 0 && r.prefixLength == a.prefixLength() && r.destination == a.network());
            sockets.addressRemoved(iface, a);
        }
    }

    /**
     * Adds a route to {@code prefix/length} through {@code gateway} (0: directly out of
     * {@code iface}); a gateway route may leave {@code iface} null, to go out where the gateway is.
     */
    public void addRoute(int prefix, int length, SimInterface iface, int gateway) {
        int flags = Rtm.RTF_UP | Rtm.RTF_STATIC | (gateway != 0 ? Rtm.RTF_GATEWAY : 0) | (length == 32 ? Rtm.RTF_HOST : 0);
        routes.add(new Route(prefix & Ip4.mask(length), length, iface, gateway, flags));
    }

    /** A host route written on the routing socket (RTM_ADD|RTF_HOST): replaces one to the same address. */
    void addHostRoute(SimInterface ifp, int address, int flags) {
        routes.removeIf(r -> r.prefixLength == 32 && r.destination == address && r.gateway == 0);
        routes.add(new Route(address, 32, ifp, 0, flags));
        trace(() -> "host route " + Ip4.format(address) + " via " + ifp.name());
    }

    boolean removeHostRoute(SimInterface ifp, int address) {
        return routes.removeIf(r -> r.prefixLength == 32 && r.destination == address && r.iface == ifp && r.gateway == 0);
    }

    /** Longest-prefix match; null when no route. */
    Route lookup(int destination) {
        Route best = null;
        for (int i = 0, n = routes.size(); i < n; i++) {
            Route r = routes.get(i);
            if (r.matches(destination) && (best == null || r.prefixLength > best.prefixLength)) best = r;
        }
        return best;
    }


    // ---------------------------------------------------------------- output path

    /** Sends an IPv4 datagram (as built by {@link Ipv4Datagram}) towards {@code destination}. */
    void output(byte[] datagram, int destination) {
        if (host.owns(destination)) {
            deliverLocally(datagram, 0);
            return;
        }
        Route route = lookup(destination);
        if (route == null) {
            world.stats().packetsNoRoute++;
            trace(() -> "no route to " + Ip4.format(destination));
            return;
        }
        SimInterface ifp = route.iface;
        int nextHop = route.gateway != 0 ? route.gateway : destination;
        if (ifp == null) {
            // a gateway route names no interface: the gateway's own (connected) route does
            Route toGateway = lookup(nextHop);
            if (toGateway == null || toGateway.iface == null || toGateway.gateway != 0) {
                world.stats().packetsNoRoute++;
                trace(() -> "gateway " + Ip4.format(nextHop) + " unreachable");
                return;
            }
            ifp = toGateway.iface;
        }
        if (nextHop == -1 || ifp.isSubnetBroadcast(nextHop)) {
            transmitIp(ifp, ifp.type().broadcast(), EtherType.IPV4, datagram);
            return;
        }
        neighbors.send(ifp, nextHop, datagram);
    }

    /**
     * The cache needs a binding for {@code e}: the resolver hears an RTM_MISS (sockaddr_in or
     * sockaddr_in6), or else the in-kernel ARP or ND asks.
     */
    void resolve(NeighborEntry e) {
        e.lastMiss = sim.now();
        world.stats().misses++;
        if (resolverAttached()) {
            if (assist) solicitInKernel(e);
            trace(() -> "RTM_MISS " + e.addressText() + " on " + e.iface.name()
                    + (e.misses > 0 ? " (repeat " + e.misses + ")" : ""));
            sockets.miss(e);
            e.misses++;
        } else {
            trace(() -> "miss " + e.addressText() + " on " + e.iface.name() + ": in-kernel " + (e.ip6() ? "ND" : "ARP") + " resolves");
            solicitInKernel(e);
        }
    }

    /** The in-kernel ARP or ND asks for {@code e}, unless its retry is already armed (one request at a time per entry). */
    private void solicitInKernel(NeighborEntry e) {
        if (e.arpTimerArmed) return;
        if (e.ip6()) inet6.nd().solicit(e);
        else arp.solicit(e);
    }

    /** Traffic is using a binding the resolver installed as STALE: ask it, once, to check it ({@link RoutingSockets#recheck}). */
    void askRecheck(NeighborEntry e) {
        e.recheckAsked = true;
        trace(() -> "RTM_MISS " + e.addressText() + " on " + e.iface.name() + " (re-check " + e.hardware + ")");
        sockets.recheck(e);
    }

    void transmitIp(SimInterface ifp, HardwareAddress destination, int etherType, byte[] datagram) {
        transmitFrame(ifp, destination, ifp.type().encode(destination, ifp.address(), etherType, datagram));
    }

    void transmitFrame(SimInterface ifp, HardwareAddress destination, byte[] frame) {
        if (!ifp.up() || !host.isUp()) return;
        if (ifp.type() == TokenRing.INSTANCE) frame = sourceRouting(ifp).outgoing(frame, destination);
        ifp.segment().transmit(ifp, destination, frame);
    }

    private final Map<SimInterface, SourceRouting> sourceRouting = new HashMap<>();

    /** The Token Ring driver's source-route cache of {@code ifp}. */
    SourceRouting sourceRouting(SimInterface ifp) {
        return sourceRouting.computeIfAbsent(ifp, i -> new SourceRouting());
    }

    /**
     * The daemon's raw send (its packet socket): the destination is read from the frame itself,
     * as the medium would.
     */
    public void transmitRaw(int ifindex, byte[] frame) {
        SimInterface ifp = host.interfaceByIndex(ifindex);
        if (ifp == null) {
            world.stats().refusedSends++;
            trace(() -> "packet socket: no interface #" + ifindex + ", frame dropped");
            return;
        }
        Frame f;
        try {
            f = ifp.type().decode(frame, 0, frame.length);
        } catch (MalformedFrameException e) {
            // as a driver would: the frame is not put on the wire, and the run goes on
            world.stats().refusedSends++;
            trace(() -> "packet socket: malformed " + ifp.type().name() + " frame from the daemon dropped: " + e.getMessage());
            return;
        }
        HardwareAddress destination = f.destination();
        if (destination.length() == 0) destination = impliedDestination(ifp, f);
        transmitFrame(ifp, destination, frame);
    }

    /**
     * Where a frame goes on a medium whose framing names no destination (a Linux cooked capture of
     * IPoIB, an ATM virtual circuit): the ARP-family packet inside names its peer — the target
     * hardware address of a reply, the broadcast group for a request, and on ATM the target ATM
     * number or else the circuit to the LIS's ATMARP server.
     */
    private HardwareAddress impliedDestination(SimInterface ifp, Frame f) {
        ArpFamilyPacket packet;
        try {
            packet = ArpFamilyCodec.decode(f.buffer(), f.payloadOffset(), f.payloadLength());
        } catch (MalformedFrameException e) {
            return ifp.type().broadcast();
        }
        return switch (packet) {
            case ArpPacket p -> p.targetHardware().isZero() || p.opcode().equals(Opcode.REQUEST) ? ifp.type().broadcast() : p.targetHardware();
            case AtmArpPacket p -> p.targetAtmNumber().isPresent() ? p.targetAtmNumber().value() : atmServer(ifp);
        };
    }

    /** The ATM address of the ATMARP server of {@code ifp}'s logical IP subnet (empty when none is known). */
    HardwareAddress atmServer(SimInterface ifp) {
        AtmArpServer server = ifp.segment().atmArpServer();
        return server == null ? HardwareAddress.EMPTY : server.address();
    }

    // ---------------------------------------------------------------- input path

    void input(SimInterface iface, byte[] frame) {
        if (tap != null && !assist && iface.type() == Ethernet.INSTANCE && frame.length >= Ethernet.HEADER
                && EtherType.isArpFamily(((frame[12] & 0xFF) << 8) | (frame[13] & 0xFF))
                && iface.segment().atmArpServer() == null) {
            // An Ethernet II ARP-family frame on a uarpd host: the tap is all it goes to, whole, so it
            // needs no decoding here (uarpd parses it), the commonest input of a busy segment.
            tap.frame(iface, frame);
            return;
        }
        Frame f;
        try {
            f = iface.type().decode(frame, 0, frame.length);
        } catch (MalformedFrameException e) {
            world.stats().malformedFrames++;
            trace(() -> "dropped malformed frame on " + iface.name() + ": " + e.getMessage());
            return;
        }
        if (iface.type() == TokenRing.INSTANCE) sourceRouting(iface).learn(f);
        if (EtherType.isArpFamily(f.protocol())) {
            AtmArpServer server = iface.segment().atmArpServer();
            if (server != null && server.iface() == iface) {
                atmServerInput(server, f);
            } else if (tap != null) {
                tap.frame(iface, frame);
                if (assist) arp.input(iface, f);
            } else {
                arp.input(iface, f);
            }
        } else if (f.protocol() == EtherType.IPV4) {
            ipInput(iface, f);
        } else if (f.protocol() == EtherType.IPV6) {
            inet6.input(iface, f, frame);
        }
    }

    private void atmServerInput(AtmArpServer server, Frame f) {
        try {
            if (ArpFamilyCodec.decode(f.buffer(), f.payloadOffset(), f.payloadLength()) instanceof AtmArpPacket p) server.input(p);
        } catch (MalformedFrameException e) {
            world.stats().malformedFrames++;
        }
    }

    /** ATM interfaces resolve through their LIS's ATMARP server (RFC 2225), never by broadcast. */
    static boolean isAtm(SimInterface iface) {
        return iface.type().hardwareType().equals(org.uarpd.wire.HardwareType.ATM);
    }

    private void ipInput(SimInterface iface, Frame f) {
        byte[] b = f.buffer();
        int off = f.payloadOffset();
        if (!Ipv4Datagram.valid(b, off, f.payloadLength())) {
            world.stats().malformedFrames++;
            return;
        }
        int dst = Ipv4Datagram.destination(b, off);
        if (host.owns(dst) || dst == -1 || iface.isSubnetBroadcast(dst)) {
            deliverLocally(b, off);
        } else if (forwarding && Ipv4Datagram.ttl(b, off) > 1) {
            output(Ipv4Datagram.forwarded(b, off), dst);
        }
    }

    /** Delivers the datagram at {@code d[off]} to this host, read in place: frames are never changed once sent. */
    private void deliverLocally(byte[] d, int off) {
        world.stats().packetsDelivered++;
        trace(() -> "received packet #" + Ipv4Datagram.number(d, off) + " from " + Ip4.format(Ipv4Datagram.source(d, off))
                + " after " + Simulation.formatTime(sim.now() - Ipv4Datagram.sentAt(d, off)) + " s");
    }

    // ---------------------------------------------------------------- neighbour entries

    /** Snapshot of the neighbour table: (interface, address) → hardware address or null, with state. */
    public List<String> neighborTable() {
        List<String> out = new ArrayList<>();
        for (NeighborEntry e : neighbors.sorted()) {
            out.add(e.addressText() + " " + e.iface.name() + " " + (e.hardware == null ? "(incomplete)" : e.hardware) + " " + e.state);
        }
        return out;
    }

    /** The hardware address the kernel holds for {@code address} on {@code iface}, or null. */
    public HardwareAddress lookupNeighbor(SimInterface iface, int address) {
        NeighborEntry e = neighbors.get(iface, address);
        return e != null && e.resolved() ? e.hardware : null;
    }

    /** The hardware address the kernel holds for the IPv6 {@code address} on {@code iface}, or null. */
    public HardwareAddress lookupNeighbor(SimInterface iface, Ip6Address address) {
        NeighborEntry e = neighbors.get(iface, address);
        return e != null && e.resolved() ? e.hardware : null;
    }

    /** A binding made in the kernel (its ARP, ATMARP, an operator): the routing socket tells every listener when it changed. */
    void install(SimInterface iface, int address, HardwareAddress hardware, NeighborState state) {
        announce(neighbors.install(iface, address, hardware, state, false));
    }

    /** An IPv6 binding made in the kernel (its ND). */
    void install(SimInterface iface, Ip6Address address, HardwareAddress hardware, NeighborState state) {
        announce(neighbors.install(iface, address, hardware, state, false));
    }

    private void announce(NeighborEntry changed) {
        if (changed != null) sockets.neighborAdded(changed);
    }

    void remove(SimInterface iface, int address) {
        neighbors.remove(iface, address);
    }

    /** Operator's static entry (arp -s): pinned, announced on the routing socket like any change made by someone else. */
    public void addStatic(SimInterface iface, int address, HardwareAddress hardware) {
        install(iface, address, hardware, NeighborState.STATIC);
    }

    // ---------------------------------------------------------------- routing socket

    /**
     * Opens the routing socket of the resolver daemon with process id {@code pid}. From now on
     * misses go to it and ARP-family frames to {@code tap}; it first reads what the kernel already
     * has ({@link RoutingSockets#openResolver}).
     */
    public RoutingSocket openResolver(int pid, Consumer<byte[]> reader, LinkTap tap) {
        if (resolverAttached()) {
            throw new IllegalStateException(host.name() + " already has a resolver (pid " + sockets.resolver().pid() + ")");
        }
        this.tap = tap;
        // its packet socket asks for every multicast frame (PACKET_MR_ALLMULTI), to hear the ND of addresses it proxies
        for (SimInterface i : host.interfaces()) i.setAllMulticast(true);
        return sockets.openResolver(pid, reader);
    }

    /** Any other process's routing socket (route monitor): reads every broadcast message. */
    public RoutingSocket openMonitor(int pid, Consumer<byte[]> reader) {
        return sockets.openMonitor(pid, reader);
    }

    /** The resolver closed its socket (or died): the in-kernel ARP and ND take over what is pending. */
    void resolverGone() {
        tap = null;
        for (SimInterface i : host.interfaces()) i.setAllMulticast(false);
        trace(() -> "resolver gone: in-kernel ARP takes over");
        for (NeighborEntry e : neighbors.pending()) solicitInKernel(e);
    }

    /** Announces an interface as it comes up at boot (BSD's if_up → rt_ifmsg). */
    void interfaceAttached(SimInterface i) {
        sockets.interfaceChanged(i);
    }

    /** Announces a link's state (RTM_IFINFO), e.g. after it went up or down; a link going down loses its bindings. */
    void linkChanged(SimInterface i) {
        if (!i.up()) neighbors.dropLink(i);
        trace(() -> i.name() + (i.up() ? " up" : " down"));
        sockets.interfaceChanged(i);
    }

    /** Adds a timeline line, building its text only when the timeline is on (large runs turn it off). */
    void trace(java.util.function.Supplier<String> text) {
        Timeline t = world.timeline();
        if (t.enabled()) t.log(host.name(), text.get());
    }

    // ---------------------------------------------------------------- crash

    /** Everything volatile is lost: bindings, held packets, sockets, RARP-learnt addresses. */
    void reset() {
        sockets.reset();
        tap = null;
        for (SimInterface i : host.interfaces()) i.setAllMulticast(false);
        neighbors.clear();
        routes.clear();
    }
}
