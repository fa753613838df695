package org.uarpd.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.uarpd.engine.NeighborState;
import org.uarpd.sim.rtsock.RoutingMessage;
import org.uarpd.sim.rtsock.RoutingMessageCodec;
import org.uarpd.sim.rtsock.Rtm;
import org.uarpd.sim.rtsock.Sockaddr;
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
import org.uarpd.wire.MalformedFrameException;

/**
 * The simulated kernel of one host, as the 1996 NetBSD routing-socket proposal describes it: it keeps
 * only mechanism. An IPv4 routing table whose connected-subnet routes clone per-destination
 * link-layer entries; an output path that, lacking a binding, holds the packet and asks the
 * resolver; a routing socket speaking BSD-style messages; and the minimal in-kernel ARP that serves while no daemon runs (diskless boot,
 * legacy hosts).
 *
 * <p>While a resolver (uarpd) has its routing socket open, misses go to it as RTM_MISS and every
 * ARP-family frame is handed to it through the {@link LinkTap}; the in-kernel ARP is silent (unless
 * the host is in assist mode, {@link #setAssist}). When the resolver closes (or dies), the kernel
 * falls back to its own ARP so the host keeps working. Token Ring source routing lives here too,
 * in the driver ({@link SourceRouting}), below both.
 */
public final class Kernel {
    /** How often a packet for a still-unresolved entry may repeat the RTM_MISS (as Linux re-solicits per probe). */
    static final long MISS_REPEAT = Simulation.SECOND;

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
    private final Map<Long, NeighborEntry> neighbors = new HashMap<>();
    private final List<RoutingSocket> sockets = new ArrayList<>();
    private final KernelArp arp;
    private RoutingSocket resolver;
    private LinkTap tap;
    private int holdDepth = 1;
    private boolean forwarding;
    private boolean assist;

    Kernel(SimHost host) {
        this.host = host;
        this.world = host.world();
        this.sim = world.sim();
        this.arp = new KernelArp(this);
    }

    SimHost host() { return host; }
    World world() { return world; }
    Simulation sim() { return sim; }
    KernelArp arp() { return arp; }

    public void setHoldDepth(int depth) {
        if (depth < 1) throw new IllegalArgumentException("hold depth must be at least 1, got " + depth);
        this.holdDepth = depth;
    }

    public int holdDepth() { return holdDepth; }

    public void setForwarding(boolean forwarding) { this.forwarding = forwarding; }

    public boolean forwarding() { return forwarding; }

    /**
     * Assist mode: the kernel keeps its own ARP even while a resolver is attached — it resolves
     * misses and answers for its addresses itself, and the resolver hears the misses and frames too
     * (uarpd then adds published entries, RARP, answers from its cache). Authoritative otherwise.
     */
    public void setAssist(boolean assist) { this.assist = assist; }

    /** True while the in-kernel ARP acts: no resolver, or a resolver in assist mode. */
    boolean kernelArpActive() {
        return resolver == null || assist;
    }

    /** True while a resolver daemon holds the routing socket. */
    public boolean resolverAttached() {
        return resolver != null;
    }

    // ---------------------------------------------------------------- addresses and routes

    void addAddress(SimInterface iface, int address, int prefixLength) {
        SimInterface.InterfaceAddress a = new SimInterface.InterfaceAddress(address, prefixLength);
        iface.addAddress(a);
        routes.add(new Route(a.network(), prefixLength, iface, 0, Rtm.RTF_UP | Rtm.RTF_CLONING));
        trace(() -> iface.name() + " address " + a);
        if (isAtm(iface) && kernelArpActive()) atmClient(iface).register();
        broadcast(new RoutingMessage(Rtm.NEWADDR, iface.index(), Rtm.RTF_UP, 0, 0, 0, 0, 0, 0, null,
                new Sockaddr.In(address), null, new Sockaddr.In(Ip4.mask(prefixLength)), dl(iface), new Sockaddr.In(address)));
    }

    void removeAddress(SimInterface iface, int address) {
        for (SimInterface.InterfaceAddress a : iface.addresses()) {
            if (a.address() != address) continue;
            trace(() -> iface.name() + " address " + a + " removed");
            iface.removeAddress(address);
            routes.removeIf(r -> r.iface == iface && r.gateway == 0 && r.prefixLength == a.prefixLength() && r.destination == a.network());
            broadcast(new RoutingMessage(Rtm.DELADDR, iface.index(), 0, 0, 0, 0, 0, 0, 0, null,
                    new Sockaddr.In(address), null, new Sockaddr.In(Ip4.mask(a.prefixLength())), dl(iface), new Sockaddr.In(address)));
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
            transmitIp(ifp, ifp.type().broadcast(), datagram);
            return;
        }
        NeighborEntry e = neighbors.get(key(ifp.index(), nextHop));
        if (e != null && e.resolved()) {
            if (e.state == NeighborState.STALE && resolver != null && !e.recheckAsked) askRecheck(e);
            transmitIp(ifp, e.hardware, datagram);
            return;
        }
        if (e != null && e.rejectUntil > sim.now()) {
            world.stats().packetsUnreachable++;
            return;
        }
        boolean fresh = e == null || e.pendingSince < 0;
        if (e == null) {
            e = new NeighborEntry(ifp, nextHop);
            neighbors.put(key(ifp.index(), nextHop), e);
        }
        if (fresh) {
            e.state = NeighborState.INCOMPLETE;
            e.pendingSince = sim.now();
            e.misses = 0;
            e.arpTries = 0;
            e.rejectUntil = 0;
        }
        // BSD kept one packet per entry and let a newer one push out the older: so do we, at any depth
        if (e.held.size() >= holdDepth) {
            e.held.removeFirst();
            world.stats().packetsHoldDropped++;
        }
        e.held.addLast(datagram);
        if (fresh) {
            miss(e);
        } else if (resolver != null && sim.now() - e.lastMiss >= MISS_REPEAT) {
            miss(e);
        }
    }

    private void miss(NeighborEntry e) {
        e.lastMiss = sim.now();
        world.stats().misses++;
        if (resolver != null) {
            if (assist) arp.solicit(e);
            trace(() -> "RTM_MISS " + Ip4.format(e.address) + " on " + e.iface.name()
                    + (e.misses > 0 ? " (repeat " + e.misses + ")" : ""));
            broadcast(new RoutingMessage(Rtm.MISS, e.iface.index(), Rtm.RTF_UP | Rtm.RTF_HOST | Rtm.RTF_LLINFO, 0, 0, 0,
                    e.held.size(), e.misses, 0, null, new Sockaddr.In(e.address), null, null, dl(e.iface), null));
            e.misses++;
        } else {
            trace(() -> "miss " + Ip4.format(e.address) + " on " + e.iface.name() + ": in-kernel ARP resolves");
            arp.solicit(e);
        }
    }

    /**
     * Traffic is using a binding the resolver installed as STALE: ask it, once, to check the binding
     * is still good — an RTM_MISS that carries the hardware address in use (Linux asks its
     * application resolver the same way when an entry goes from DELAY to PROBE). The packet goes out
     * meanwhile; the resolver answers with RTM_CHANGE, or RTM_DELETE if the neighbour is gone.
     */
    private void askRecheck(NeighborEntry e) {
        e.recheckAsked = true;
        trace(() -> "RTM_MISS " + Ip4.format(e.address) + " on " + e.iface.name() + " (re-check " + e.hardware + ")");
        broadcast(new RoutingMessage(Rtm.MISS, e.iface.index(), Rtm.RTF_UP | Rtm.RTF_HOST | Rtm.RTF_LLINFO, 0, 0, 0, 0, 0, 0, e.state,
                new Sockaddr.In(e.address), new Sockaddr.Dl(e.iface.index(), SimLinkTypes.interfaceType(e.iface.type()), "", e.hardware),
                null, dl(e.iface), null));
    }

    void transmitIp(SimInterface ifp, HardwareAddress destination, byte[] datagram) {
        transmitFrame(ifp, destination, ifp.type().encode(destination, ifp.address(), EtherType.IPV4, datagram));
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

    private final Map<SimInterface, AtmArpClient> atmClients = new HashMap<>();

    /** The kernel's own ATMARP client on {@code ifp}: it binds in this kernel's table. */
    AtmArpClient atmClient(SimInterface ifp) {
        return atmClients.computeIfAbsent(ifp, i -> new AtmArpClient(i, new AtmArpClient.Binder() {
            @Override
            public void bind(int address, HardwareAddress atm) {
                NeighborEntry e = neighbor(i, address);
                if (e != null && !e.pinned) install(i, address, atm, NeighborState.REACHABLE, false);
            }

            @Override
            public void fail(int address, boolean nak) {
                NeighborEntry e = neighbor(i, address);
                if (e != null && e.pendingSince >= 0) Kernel.this.fail(e, KernelArp.DOWN_TIME, nak ? SimStats.Failure.NAK : SimStats.Failure.NO_ANSWER);
            }

            @Override
            public void expire(int address, HardwareAddress atm) {
                NeighborEntry e = neighbor(i, address);
                if (e != null && atm.equals(e.hardware) && e.pendingSince < 0 && !e.pinned) remove(i, address);
            }
        }, this::kernelArpActive, (to, frame) -> transmitFrame(i, to, frame)));
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

    NeighborEntry neighbor(SimInterface iface, int address) {
        return neighbors.get(key(iface.index(), address));
    }

    /** Snapshot of the neighbour table: (interface, address) → hardware address or null, with state. */
    public List<String> neighborTable() {
        List<String> out = new ArrayList<>();
        neighbors.values().stream()
                .sorted(java.util.Comparator.comparingInt((NeighborEntry e) -> e.iface.index()).thenComparingInt(e -> e.address))
                .forEach(e -> out.add(Ip4.format(e.address) + " " + e.iface.name() + " " + (e.hardware == null ? "(incomplete)" : e.hardware) + " " + e.state));
        return out;
    }

    /** The hardware address the kernel holds for {@code address} on {@code iface}, or null. */
    public HardwareAddress lookupNeighbor(SimInterface iface, int address) {
        NeighborEntry e = neighbor(iface, address);
        return e != null && e.resolved() ? e.hardware : null;
    }

    /**
     * Binds {@code address} to {@code hardware}: from the in-kernel ARP, an operator, or the daemon's
     * RTM_ADD. Sends what was held and, for a pending resolution, records its latency.
     */
    void install(SimInterface iface, int address, HardwareAddress hardware, NeighborState state, boolean fromDaemon) {
        if (state == NeighborState.FAILED) {
            NeighborEntry e = neighbor(iface, address);
            if (e != null) fail(e, KernelArp.DOWN_TIME);
            return;
        }
        long k = key(iface.index(), address);
        NeighborEntry e = neighbors.get(k);
        if (e == null) {
            e = new NeighborEntry(iface, address);
            neighbors.put(k, e);
        }
        boolean changed = !hardware.equals(e.hardware) || e.state != state;
        e.hardware = hardware;
        e.state = state;
        e.pinned = state == NeighborState.STATIC;
        e.rejectUntil = 0;
        e.recheckAsked = false;
        if (e.pendingSince >= 0) {
            long latency = sim.now() - e.pendingSince;
            world.stats().resolved(latency);
            trace(() -> "resolved " + Ip4.format(address) + " is " + hardware + " on " + iface.name()
                    + " after " + Simulation.formatTime(latency) + " s");
            e.pendingSince = -1;
        } else if (changed && !fromDaemon) {
            trace(() -> "kernel ARP learnt " + Ip4.format(address) + " is " + hardware + " on " + iface.name());
        }
        while (!e.held.isEmpty()) transmitIp(iface, hardware, e.held.removeFirst());
        if (!fromDaemon && changed) {
            broadcast(neighborMessage(Rtm.ADD, e));
        }
    }

    /** Gives up on {@code e}: held packets get host-unreachable, and so do new ones until {@code rejectFor} has passed. */
    void fail(NeighborEntry e, long rejectFor) {
        fail(e, rejectFor, SimStats.Failure.NO_ANSWER);
    }

    void fail(NeighborEntry e, long rejectFor, SimStats.Failure why) {
        int dropped = e.held.size();
        world.stats().packetsUnreachable += dropped;
        e.held.clear();
        if (e.pendingSince >= 0) {
            world.stats().countFailure(why);
            trace(() -> "FAILED " + Ip4.format(e.address) + " on " + e.iface.name()
                    + " (" + dropped + " held packet(s) host-unreachable)");
            e.pendingSince = -1;
        }
        e.hardware = null;
        e.state = NeighborState.FAILED;
        e.rejectUntil = sim.now() + rejectFor;
    }

    void remove(SimInterface iface, int address) {
        NeighborEntry e = neighbors.remove(key(iface.index(), address));
        if (e != null && !e.held.isEmpty()) {
            world.stats().packetsUnreachable += e.held.size();
            e.held.clear();
        }
    }

    /** Operator's static entry (arp -s): pinned, announced on the routing socket like any change made by someone else. */
    public void addStatic(SimInterface iface, int address, HardwareAddress hardware) {
        install(iface, address, hardware, NeighborState.STATIC, false);
    }

    private static long key(int ifindex, int address) {
        return ((long) ifindex << 32) | (address & 0xFFFFFFFFL);
    }

    // ---------------------------------------------------------------- routing socket

    /**
     * Opens the routing socket of the resolver daemon with process id {@code pid}. From now on
     * misses go to it and ARP-family frames to {@code tap}. Like a dump at start-up, the socket
     * first reads the interfaces (RTM_IFINFO), their addresses (RTM_NEWADDR), the bindings the
     * kernel already has (RTM_ADD) and the resolutions in progress (RTM_MISS).
     */
    public RoutingSocket openResolver(int pid, Consumer<byte[]> reader, LinkTap tap) {
        if (resolver != null) throw new IllegalStateException(host.name() + " already has a resolver (pid " + resolver.pid() + ")");
        RoutingSocket s = new RoutingSocket(this, pid, reader);
        sockets.add(s);
        resolver = s;
        this.tap = tap;
        for (SimInterface i : host.interfaces()) {
            send(s, ifinfo(i));
            for (SimInterface.InterfaceAddress a : i.addresses()) {
                send(s, new RoutingMessage(Rtm.NEWADDR, i.index(), Rtm.RTF_UP, 0, 0, 0, 0, 0, 0, null, new Sockaddr.In(a.address()), null,
                        new Sockaddr.In(Ip4.mask(a.prefixLength())), dl(i), new Sockaddr.In(a.address())));
            }
        }
        List<NeighborEntry> entries = new ArrayList<>(neighbors.values());
        entries.sort(java.util.Comparator.comparingInt((NeighborEntry e) -> e.iface.index()).thenComparingInt(e -> e.address));
        for (NeighborEntry e : entries) {
            if (e.resolved()) send(s, neighborMessage(Rtm.ADD, e));
        }
        for (NeighborEntry e : entries) {
            if (e.pendingSince >= 0) miss(e);
        }
        return s;
    }

    /** Any other process's routing socket (route monitor): reads every broadcast message. */
    public RoutingSocket openMonitor(int pid, Consumer<byte[]> reader) {
        RoutingSocket s = new RoutingSocket(this, pid, reader);
        sockets.add(s);
        return s;
    }

    void socketClosed(RoutingSocket s) {
        sockets.remove(s);
        if (s == resolver) {
            resolver = null;
            tap = null;
            trace(() -> "resolver gone: in-kernel ARP takes over");
            for (NeighborEntry e : new ArrayList<>(neighbors.values())) {
                if (e.pendingSince >= 0) arp.solicit(e);
            }
        }
    }

    /** Announces an interface as it comes up at boot (BSD's if_up → rt_ifmsg). */
    void interfaceAttached(SimInterface i) {
        broadcast(ifinfo(i));
    }

    /** Announces a link's state (RTM_IFINFO), e.g. after it went up or down. */
    void linkChanged(SimInterface i) {
        if (!i.up()) {
            // the link's bindings go with it; what was held gets host-unreachable
            for (NeighborEntry e : new ArrayList<>(neighbors.values())) {
                if (e.iface != i) continue;
                if (e.pendingSince >= 0) fail(e, 0);
                remove(i, e.address);
            }
        }
        trace(() -> i.name() + (i.up() ? " up" : " down"));
        broadcast(ifinfo(i));
    }

    private RoutingMessage ifinfo(SimInterface i) {
        return new RoutingMessage(Rtm.IFINFO, i.index(), i.up() ? Rtm.IFF_UP : 0, 0, 0, 0, 0, 0, 0, null, null, null, null, dl(i), null);
    }

    private RoutingMessage neighborMessage(int type, NeighborEntry e) {
        int flags = Rtm.RTF_UP | Rtm.RTF_HOST | Rtm.RTF_LLINFO | (e.pinned ? Rtm.RTF_STATIC : 0);
        return new RoutingMessage(type, e.iface.index(), flags, 0, 0, 0, 0, 0, 0, e.state, new Sockaddr.In(e.address),
                new Sockaddr.Dl(e.iface.index(), SimLinkTypes.interfaceType(e.iface.type()), "", e.hardware), null, dl(e.iface), null);
    }

    static Sockaddr.Dl dl(SimInterface i) {
        return new Sockaddr.Dl(i.index(), SimLinkTypes.interfaceType(i.type()), i.name(), i.address());
    }

    private void broadcast(RoutingMessage m) {
        if (sockets.isEmpty()) return;
        byte[] bytes = RoutingMessageCodec.encode(m);
        for (RoutingSocket s : List.copyOf(sockets)) deliver(s, bytes);
    }

    private void send(RoutingSocket s, RoutingMessage m) {
        deliver(s, RoutingMessageCodec.encode(m));
    }

    private void deliver(RoutingSocket s, byte[] bytes) {
        int epoch = host.epoch();
        sim.after(world.socketLatency(), () -> {
            if (s.open && host.epoch() == epoch) s.reader.accept(bytes);
        });
    }

    /** route_output: applies a message written by {@code from}; echoes it, with its errno, to the other sockets. */
    int routeWrite(RoutingSocket from, byte[] bytes) {
        RoutingMessage m;
        try {
            m = RoutingMessageCodec.decode(bytes);
        } catch (MalformedFrameException e) {
            trace(() -> "routing socket: refused malformed message from pid " + from.pid() + ": " + e.getMessage());
            return Rtm.EINVAL;
        }
        int errno = apply(m);
        RoutingMessage echo = new RoutingMessage(m.type(), m.index(), m.flags() | (errno == 0 ? Rtm.RTF_DONE : 0), from.pid(), m.seq(), errno,
                m.held(), m.probes(), m.expire(), m.state(), m.dst(), m.gateway(), m.netmask(), m.ifp(), m.ifa());
        byte[] out = RoutingMessageCodec.encode(echo);
        for (RoutingSocket s : List.copyOf(sockets)) if (s != from) deliver(s, out);
        if (errno != 0) trace(() -> "routing socket: " + m + " failed, errno " + errno);
        return errno;
    }

    private int apply(RoutingMessage m) {
        SimInterface ifp = host.interfaceByIndex(m.index());
        if (ifp == null) return Rtm.ENETUNREACH;
        if (m.dst() == null) return Rtm.EINVAL;
        int address = m.dst().address();
        return switch (m.type()) {
            case Rtm.ADD, Rtm.CHANGE -> {
                if (m.has(Rtm.RTF_LLINFO)) {
                    if (!(m.gateway() instanceof Sockaddr.Dl gw)) yield Rtm.EINVAL;
                    if (gw.address().length() != ifp.type().addressLength()) yield Rtm.EINVAL;
                    NeighborState state = m.has(Rtm.RTF_REJECT) ? NeighborState.FAILED
                            : m.state() != null ? m.state() : m.has(Rtm.RTF_STATIC) ? NeighborState.STATIC : NeighborState.REACHABLE;
                    trace(() -> Rtm.typeName(m.type()) + " " + Ip4.format(address) + " " + gw.address() + " " + state + " on " + ifp.name());
                    install(ifp, address, gw.address(), state, true);
                    yield 0;
                }
                if (m.has(Rtm.RTF_HOST)) {
                    routes.removeIf(r -> r.prefixLength == 32 && r.destination == address && r.gateway == 0);
                    routes.add(new Route(address, 32, ifp, 0, m.flags()));
                    trace(() -> "host route " + Ip4.format(address) + " via " + ifp.name());
                    yield 0;
                }
                yield Rtm.EINVAL;
            }
            case Rtm.DELETE -> {
                if (m.has(Rtm.RTF_LLINFO)) {
                    NeighborEntry e = neighbor(ifp, address);
                    if (e == null) yield Rtm.ESRCH;
                    if (m.has(Rtm.RTF_REJECT)) {
                        // a resolver may say why in rtm_errno: ECONNREFUSED for an ATMARP NAK
                        fail(e, 0, m.errno() == Rtm.ECONNREFUSED ? SimStats.Failure.NAK : SimStats.Failure.NO_ANSWER);
                        neighbors.remove(key(ifp.index(), address));
                    } else {
                        trace(() -> "RTM_DELETE " + Ip4.format(address) + " on " + ifp.name());
                        remove(ifp, address);
                    }
                    yield 0;
                }
                if (m.has(Rtm.RTF_HOST)) {
                    boolean removed = routes.removeIf(r -> r.prefixLength == 32 && r.destination == address && r.iface == ifp && r.gateway == 0);
                    yield removed ? 0 : Rtm.ESRCH;
                }
                yield Rtm.EINVAL;
            }
            default -> Rtm.EINVAL;
        };
    }

    /** Adds a timeline line, building its text only when the timeline is on (large runs turn it off). */
    private void trace(java.util.function.Supplier<String> text) {
        Timeline t = world.timeline();
        if (t.enabled()) t.log(host.name(), text.get());
    }

    // ---------------------------------------------------------------- crash

    /** Everything volatile is lost: bindings, held packets, sockets, RARP-learnt addresses. */
    void reset() {
        for (RoutingSocket s : sockets) s.open = false;
        sockets.clear();
        resolver = null;
        tap = null;
        neighbors.clear();
        routes.clear();
    }
}
