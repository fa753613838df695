package org.uarpd.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.Ip6Address;

/**
 * A simulated host: interfaces (IPv4 and IPv6 addresses), a kernel, optionally a resolver daemon (uarpd over the sim
 * backend), and a boot sequence — configured addresses, RARP for interfaces that learn theirs at
 * boot (a diskless client), then the daemon if the host runs one. A crash loses all volatile
 * state; a restart boots again.
 */
public final class SimHost {
    /** A process that resolves for this host's kernel through its routing socket. */
    public interface Resolver {
        /** Opens the routing socket and begins. */
        void start();

        /** Stops at once (crash or kill): no clean-up reaches the kernel. */
        void kill();
    }

    private record ConfiguredAddress(SimInterface iface, int address, int prefixLength) {}

    private record ConfiguredAddress6(SimInterface iface, Ip6Address address, int prefixLength) {}

    private record ConfiguredRoute(int prefix, int prefixLength, SimInterface iface, int gateway) {}

    private final World world;
    private final String name;
    private final List<SimInterface> interfaces = new ArrayList<>();
    private final List<ConfiguredAddress> configured = new ArrayList<>();
    private final List<ConfiguredAddress6> configured6 = new ArrayList<>();
    private final List<ConfiguredRoute> configuredRoutes = new ArrayList<>();
    private final Map<SimInterface, Integer> rarpPrefix = new LinkedHashMap<>();
    private Kernel kernel;
    private boolean up;
    private int epoch;
    private int holdDepth = 1;
    private boolean forwarding;
    private boolean assist;
    private Function<SimHost, Resolver> resolverFactory;
    private long resolverDelay;
    private Resolver resolver;

    SimHost(World world, String name) {
        this.world = world;
        this.name = Objects.requireNonNull(name);
        this.kernel = new Kernel(this);
    }

    public World world() { return world; }
    public String name() { return name; }
    public Kernel kernel() { return kernel; }
    public boolean isUp() { return up; }
    /** Boot count: events armed in an earlier life of the host check it and do nothing. */
    public int epoch() { return epoch; }
    public List<SimInterface> interfaces() { return List.copyOf(interfaces); }
    public Resolver resolver() { return resolver; }

    public SimInterface interfaceByIndex(int index) {
        return index >= 1 && index <= interfaces.size() ? interfaces.get(index - 1) : null;
    }

    public SimInterface interfaceNamed(String ifname) {
        for (SimInterface i : interfaces) if (i.name().equals(ifname)) return i;
        return null;
    }

    /** True when {@code ip} is configured on one of this host's interfaces (walks the live list: packet path). */
    boolean owns(int ip) {
        for (int i = 0; i < interfaces.size(); i++) if (interfaces.get(i).owns(ip)) return true;
        return false;
    }

    /** True when {@code ip} is one of this host's IPv6 addresses. */
    boolean owns6(Ip6Address ip) {
        for (int i = 0; i < interfaces.size(); i++) if (interfaces.get(i).owns6(ip)) return true;
        return false;
    }

    /** Adds an interface on {@code segment} with hardware address {@code address}; indexes count from 1. */
    public SimInterface attach(String ifname, Segment segment, HardwareAddress address) {
        if (interfaceNamed(ifname) != null) throw new IllegalArgumentException(name + " already has an interface " + ifname);
        SimInterface i = new SimInterface(this, interfaces.size() + 1, ifname, segment, address);
        interfaces.add(i);
        segment.attach(i);
        return i;
    }

    /** An address configured at every boot. */
    public void configure(SimInterface iface, int address, int prefixLength) {
        configured.add(new ConfiguredAddress(iface, address, prefixLength));
        if (up) kernel.addAddress(iface, address, prefixLength);
    }

    /** An IPv6 address configured at every boot. */
    public void configure6(SimInterface iface, Ip6Address address, int prefixLength) {
        configured6.add(new ConfiguredAddress6(iface, address, prefixLength));
        if (up) kernel.inet6().addAddress(iface, address, prefixLength);
    }

    /** A static route installed at every boot ({@code gateway} 0: directly out of {@code iface}). */
    public void configureRoute(int prefix, int prefixLength, SimInterface iface, int gateway) {
        configuredRoutes.add(new ConfiguredRoute(prefix, prefixLength, iface, gateway));
        if (up) kernel.addRoute(prefix, prefixLength, iface, gateway);
    }

    /** Takes a link up or down now (RTM_IFINFO tells the daemon). */
    public void setLinkUp(SimInterface iface, boolean linkUp) {
        if (iface.up() == linkUp) return;
        iface.setUp(linkUp);
        if (up) kernel.linkChanged(iface);
    }

    /** Adds an address now, for this boot only (as ifconfig alias would); RTM_NEWADDR tells the daemon. */
    public void addAddress(SimInterface iface, int address, int prefixLength) {
        if (up) kernel.addAddress(iface, address, prefixLength);
    }

    /** Removes an address now; RTM_DELADDR tells the daemon. */
    public void removeAddress(SimInterface iface, int address) {
        if (up) kernel.removeAddress(iface, address);
    }

    /** Adds an IPv6 address now, for this boot only; RTM_NEWADDR (with a sockaddr_in6) tells the daemon. */
    public void addAddress6(SimInterface iface, Ip6Address address, int prefixLength) {
        if (up) kernel.inet6().addAddress(iface, address, prefixLength);
    }

    /** Removes an IPv6 address now; RTM_DELADDR tells the daemon. */
    public void removeAddress6(SimInterface iface, Ip6Address address) {
        if (up) kernel.inet6().removeAddress(iface, address);
    }

    /** Makes this host the ATMARP server (RFC 2225) of the logical IP subnet on {@code iface}'s ATM segment. */
    public AtmArpServer serveAtmArp(SimInterface iface) {
        if (!Kernel.isAtm(iface)) throw new IllegalArgumentException(iface + " is not an ATM interface");
        AtmArpServer server = new AtmArpServer(iface);
        iface.segment().setAtmArpServer(server);
        return server;
    }

    /** The interface learns its address by RARP at every boot and uses {@code prefixLength} with it. */
    public void configureRarp(SimInterface iface, int prefixLength) {
        rarpPrefix.put(iface, prefixLength);
    }

    public void setHoldDepth(int depth) {
        this.holdDepth = depth;
        kernel.setHoldDepth(depth);
    }

    public void setForwarding(boolean on) {
        this.forwarding = on;
        kernel.setForwarding(on);
    }

    /** The kernel keeps its own ARP beside uarpd (uarpd's links in assist mode); see {@link Kernel#setAssist}. */
    public void setAssist(boolean on) {
        this.assist = on;
        kernel.setAssist(on);
    }

    /** Runs the resolver made by {@code factory}, {@code delay} after each boot (null: a legacy host). */
    public void runResolver(Function<SimHost, Resolver> factory, long delay) {
        this.resolverFactory = factory;
        this.resolverDelay = delay;
    }

    /** Powers on (or back on): a fresh kernel, configured addresses, RARP, then the resolver. */
    public void boot() {
        if (up) return;
        up = true;
        epoch++;
        kernel = new Kernel(this);
        kernel.setHoldDepth(holdDepth);
        kernel.setForwarding(forwarding);
        kernel.setAssist(assist);
        for (SimInterface i : interfaces) i.clearAddresses();
        world.timeline().log(name, epoch == 1 ? "boot" : "reboot");
        if (world.routeMonitor()) openRouteMonitor();
        for (SimInterface i : interfaces) kernel.interfaceAttached(i);
        for (ConfiguredAddress c : configured) kernel.addAddress(c.iface(), c.address(), c.prefixLength());
        for (ConfiguredAddress6 c : configured6) kernel.inet6().addAddress(c.iface(), c.address(), c.prefixLength());
        for (ConfiguredRoute r : configuredRoutes) kernel.addRoute(r.prefix(), r.prefixLength(), r.iface(), r.gateway());
        for (SimInterface i : rarpPrefix.keySet()) startRarp(i, epoch);
        if (resolverFactory != null) {
            int e = epoch;
            world.sim().after(resolverDelay, () -> {
                if (epoch == e && up) startResolver();
            });
        }
    }

    /** Starts the resolver now (if the host has one configured and none is running). */
    public void startResolver() {
        if (resolverFactory == null || resolver != null) return;
        resolver = resolverFactory.apply(this);
        world.timeline().log(name, "uarpd starts");
        resolver.start();
    }

    /** Kills the resolver; the kernel falls back to its own ARP. */
    public void killResolver() {
        if (resolver == null) return;
        Resolver r = resolver;
        resolver = null;
        world.timeline().log(name, "uarpd killed");
        r.kill();
    }

    public void crash() {
        if (!up) return;
        world.timeline().log(name, "CRASH");
        if (resolver != null) {
            resolver.kill();
            resolver = null;
        }
        up = false;
        epoch++;
        kernel.reset();
    }

    public void restart() {
        boot();
    }

    /** Sends one datagram to {@code destination}; returns its number. */
    public long send(int destination) {
        long number = world.nextPacketNumber();
        if (!up) return number;
        world.stats().packetsSent++;
        Kernel.Route r = kernel.lookup(destination);
        SimInterface out = r == null ? null : r.iface() != null ? r.iface() : routeInterface(r.gateway());
        int source = out == null ? 0 : out.sourceFor(destination);
        if (world.timeline().enabled()) world.timeline().log(name, "send packet #" + number + " to " + Ip4.format(destination));
        kernel.output(Ipv4Datagram.build(source, destination, number, world.sim().now()), destination);
        return number;
    }

    /** Sends one IPv6 datagram to {@code destination} (an on-link neighbour, or the host itself); returns its number. */
    public long send6(Ip6Address destination) {
        long number = world.nextPacketNumber();
        if (!up) return number;
        world.stats().packetsSent++;
        Ip6Address source = null;
        for (SimInterface i : interfaces) {
            if (i.onLink6(destination)) {
                source = i.sourceFor6(destination);
                break;
            }
        }
        if (world.timeline().enabled()) world.timeline().log(name, "send packet #" + number + " to " + destination);
        kernel.inet6().output(Ipv6Datagram.build(source == null ? Ip6Address.UNSPECIFIED : source, destination, number, world.sim().now()),
                destination);
        return number;
    }

    private void openRouteMonitor() {
        kernel.openMonitor(0, bytes -> {
            try {
                world.timeline().log(name, "route monitor: " + org.uarpd.sim.rtsock.RoutingMessageCodec.decode(bytes));
            } catch (org.uarpd.wire.MalformedFrameException e) {
                world.timeline().log(name, "route monitor: malformed message: " + e.getMessage());
            }
        });
    }

    private SimInterface routeInterface(int gateway) {
        Kernel.Route r = kernel.lookup(gateway);
        return r == null ? null : r.iface();
    }

    private void startRarp(SimInterface iface, int bootEpoch) {
        world.timeline().log(name, iface.name() + " has no address: RARP request for " + iface.address());
        rarpAttempt(iface, bootEpoch, KernelArp.RARP_FIRST_RETRY);
    }

    private void rarpAttempt(SimInterface iface, int bootEpoch, long retry) {
        if (epoch != bootEpoch || !up || !iface.addresses().isEmpty()) return;
        kernel.arp().rarpRequest(iface);
        world.sim().after(retry, () -> rarpAttempt(iface, bootEpoch, Math.min(retry * 2, KernelArp.RARP_MAX_RETRY)));
    }

    void rarpAnswered(SimInterface iface, int address) {
        Integer prefix = rarpPrefix.get(iface);
        if (prefix == null || !iface.addresses().isEmpty()) return;
        world.timeline().log(name, "RARP reply: " + iface.name() + " is " + Ip4.format(address));
        kernel.addAddress(iface, address, prefix);
    }

    @Override
    public String toString() {
        return name;
    }
}
