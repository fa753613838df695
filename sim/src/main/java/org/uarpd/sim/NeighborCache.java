package org.uarpd.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.uarpd.engine.NeighborState;
import org.uarpd.sim.rtsock.Sockaddr;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;

/**
 * The kernel's link-layer cache: one cloned RTF_LLINFO entry per (interface, neighbour address),
 * IPv4 and IPv6 alike, and the hold queue of each entry still being resolved. It decides what a packet for a neighbour
 * meets — sent at once, refused (host-unreachable after a failure), or held while someone resolves —
 * and what a binding, or the news that none will come, does to the packets held. Who resolves (the
 * resolver daemon through the routing socket, or the kernel's own ARP) is the {@link Kernel}'s to
 * decide: the cache only says when a resolution must start or be asked for again.
 */
final class NeighborCache {
    /** How often a packet for a still-unresolved entry may repeat the RTM_MISS (as Linux re-solicits per probe). */
    static final long MISS_REPEAT = Simulation.SECOND;

    private final Kernel kernel;
    private final World world;
    private final Simulation sim;
    private final Map<Long, NeighborEntry> entries = new HashMap<>();
    private final Map<Key6, NeighborEntry> entries6 = new HashMap<>();
    private int holdDepth = 1;

    NeighborCache(Kernel kernel) {
        this.kernel = kernel;
        this.world = kernel.world();
        this.sim = world.sim();
    }

    void setHoldDepth(int depth) {
        if (depth < 1) throw new IllegalArgumentException("hold depth must be at least 1, got " + depth);
        this.holdDepth = depth;
    }

    int holdDepth() {
        return holdDepth;
    }

    private record Key6(int ifindex, Ip6Address address) {}

    NeighborEntry get(SimInterface iface, int address) {
        return entries.get(key(iface.index(), address));
    }

    NeighborEntry get(SimInterface iface, Ip6Address address) {
        return entries6.get(new Key6(iface.index(), address));
    }

    /** The entry for an address as the routing socket names it, or null. */
    NeighborEntry get(SimInterface iface, Sockaddr.Inet address) {
        return switch (address) {
            case Sockaddr.In in -> get(iface, in.address());
            case Sockaddr.In6 in6 -> get(iface, in6.address());
        };
    }

    /**
     * A datagram for {@code nextHop} out of {@code ifp}: sent when the binding is known, refused while
     * a failure's reject time lasts, otherwise held (BSD kept one packet per entry and let a newer one
     * push out the older: so do we, at any depth) while the kernel is asked to resolve.
     */
    void send(SimInterface ifp, int nextHop, byte[] datagram) {
        NeighborEntry e = get(ifp, nextHop);
        send(e != null ? e : create(ifp, nextHop), datagram);
    }

    void send(SimInterface ifp, Ip6Address nextHop, byte[] datagram) {
        NeighborEntry e = get(ifp, nextHop);
        send(e != null ? e : create(ifp, nextHop), datagram);
    }

    private void send(NeighborEntry e, byte[] datagram) {
        if (e.resolved()) {
            if (e.state == NeighborState.STALE && kernel.resolverAttached() && !e.recheckAsked) kernel.askRecheck(e);
            kernel.transmitIp(e.iface, e.hardware, e.etherType(), datagram);
            return;
        }
        if (e.rejectUntil > sim.now()) {
            world.stats().packetsUnreachable++;
            return;
        }
        boolean fresh = e.pendingSince < 0;
        if (fresh) {
            e.state = NeighborState.INCOMPLETE;
            e.pendingSince = sim.now();
            e.misses = 0;
            e.arpTries = 0;
            e.rejectUntil = 0;
        }
        if (e.held.size() >= holdDepth) {
            e.held.removeFirst();
            world.stats().packetsHoldDropped++;
        }
        e.held.addLast(datagram);
        if (fresh || (kernel.resolverAttached() && sim.now() - e.lastMiss >= MISS_REPEAT)) kernel.resolve(e);
    }

    private NeighborEntry create(SimInterface iface, int address) {
        NeighborEntry e = new NeighborEntry(iface, address);
        entries.put(key(iface.index(), address), e);
        return e;
    }

    private NeighborEntry create(SimInterface iface, Ip6Address address) {
        NeighborEntry e = new NeighborEntry(iface, address);
        entries6.put(new Key6(iface.index(), address), e);
        return e;
    }

    /**
     * Binds {@code address} to {@code hardware}: from the in-kernel ARP, an operator, or the daemon's
     * RTM_ADD. Sends what was held and, for a pending resolution, records its latency. Returns the
     * entry when the binding changed and someone other than the daemon made it (the routing socket
     * announces that), else null.
     */
    NeighborEntry install(SimInterface iface, int address, HardwareAddress hardware, NeighborState state, boolean fromDaemon) {
        NeighborEntry e = get(iface, address);
        if (e == null && state == NeighborState.FAILED) return null;
        return bind(e != null ? e : create(iface, address), hardware, state, fromDaemon);
    }

    NeighborEntry install(SimInterface iface, Ip6Address address, HardwareAddress hardware, NeighborState state, boolean fromDaemon) {
        NeighborEntry e = get(iface, address);
        if (e == null && state == NeighborState.FAILED) return null;
        return bind(e != null ? e : create(iface, address), hardware, state, fromDaemon);
    }

    /** {@link #install} for an address as the routing socket names it. */
    NeighborEntry install(SimInterface iface, Sockaddr.Inet address, HardwareAddress hardware, NeighborState state, boolean fromDaemon) {
        return switch (address) {
            case Sockaddr.In in -> install(iface, in.address(), hardware, state, fromDaemon);
            case Sockaddr.In6 in6 -> install(iface, in6.address(), hardware, state, fromDaemon);
        };
    }

    private NeighborEntry bind(NeighborEntry e, HardwareAddress hardware, NeighborState state, boolean fromDaemon) {
        if (state == NeighborState.FAILED) {
            fail(e, KernelArp.DOWN_TIME, SimStats.Failure.NO_ANSWER);
            return null;
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
            kernel.trace(() -> "resolved " + e.addressText() + " is " + hardware + " on " + e.iface.name()
                    + " after " + Simulation.formatTime(latency) + " s");
            e.pendingSince = -1;
        } else if (changed && !fromDaemon) {
            kernel.trace(() -> "kernel " + (e.ip6() ? "ND" : "ARP") + " learnt " + e.addressText() + " is " + hardware + " on " + e.iface.name());
        }
        while (!e.held.isEmpty()) kernel.transmitIp(e.iface, hardware, e.etherType(), e.held.removeFirst());
        return changed && !fromDaemon ? e : null;
    }

    /** Gives up on {@code e}: held packets get host-unreachable, and so do new ones until {@code rejectFor} has passed. */
    void fail(NeighborEntry e, long rejectFor, SimStats.Failure why) {
        int dropped = e.held.size();
        world.stats().packetsUnreachable += dropped;
        e.held.clear();
        if (e.pendingSince >= 0) {
            world.stats().countFailure(why);
            kernel.trace(() -> "FAILED " + e.addressText() + " on " + e.iface.name()
                    + " (" + dropped + " held packet(s) host-unreachable)");
            e.pendingSince = -1;
        }
        e.hardware = null;
        e.state = NeighborState.FAILED;
        e.rejectUntil = sim.now() + rejectFor;
    }

    /** Deletes the entry; what it held gets host-unreachable. */
    void remove(SimInterface iface, int address) {
        NeighborEntry e = get(iface, address);
        if (e != null) remove(e);
    }

    void remove(NeighborEntry e) {
        if (e.ip6()) entries6.remove(new Key6(e.iface.index(), e.address6));
        else entries.remove(key(e.iface.index(), e.address));
        if (!e.held.isEmpty()) {
            world.stats().packetsUnreachable += e.held.size();
            e.held.clear();
        }
    }

    /** A link went down: its bindings go with it, and what was held gets host-unreachable. */
    void dropLink(SimInterface iface) {
        for (NeighborEntry e : all()) {
            if (e.iface != iface) continue;
            if (e.pendingSince >= 0) fail(e, 0, SimStats.Failure.NO_ANSWER);
            remove(e);
        }
    }

    /** Every entry, IPv4 then IPv6, each by interface then address (a stable order for dumps). */
    List<NeighborEntry> sorted() {
        List<NeighborEntry> out = new ArrayList<>(entries.values());
        out.sort(Comparator.comparingInt((NeighborEntry e) -> e.iface.index()).thenComparingInt(e -> e.address));
        List<NeighborEntry> six = new ArrayList<>(entries6.values());
        six.sort(Comparator.comparingInt((NeighborEntry e) -> e.iface.index())
                .thenComparing(e -> e.address6.high(), Long::compareUnsigned)
                .thenComparing(e -> e.address6.low(), Long::compareUnsigned));
        out.addAll(six);
        return out;
    }

    /** Entries with a resolution in progress. */
    List<NeighborEntry> pending() {
        List<NeighborEntry> out = new ArrayList<>();
        for (NeighborEntry e : all()) if (e.pendingSince >= 0) out.add(e);
        return out;
    }

    private List<NeighborEntry> all() {
        List<NeighborEntry> out = new ArrayList<>(entries.values());
        out.addAll(entries6.values());
        return out;
    }

    /**
     * Arms the in-kernel resolver's retransmission for {@code e}: {@code retry} runs after
     * {@code delay}, one timer at a time per entry, and not at all once the host has rebooted.
     */
    void retryLater(NeighborEntry e, long delay, java.util.function.Consumer<NeighborEntry> retry) {
        e.arpTimerArmed = true;
        SimHost host = kernel.host();
        int epoch = host.epoch();
        sim.after(delay, () -> {
            if (host.epoch() != epoch) return;
            e.arpTimerArmed = false;
            retry.accept(e);
        });
    }

    /**
     * Whether the kernel's own resolver may send one more request for {@code e}, counting it: not
     * once a daemon resolves or the entry is settled or replaced; and not after {@code maxTries},
     * when the entry fails (host-unreachable for {@link KernelArp#DOWN_TIME}, 4.4BSD's arpt_down).
     */
    boolean nextTry(NeighborEntry e, int maxTries) {
        if (!kernel.kernelResolves() || !resolving(e)) return false;
        if (e.arpTries >= maxTries) {
            fail(e, KernelArp.DOWN_TIME, SimStats.Failure.NO_ANSWER);
            return false;
        }
        e.arpTries++;
        return true;
    }

    /** True while {@code e} is this cache's current entry for its address and still resolving. */
    boolean resolving(NeighborEntry e) {
        return e.pendingSince >= 0 && (e.ip6() ? get(e.iface, e.address6) : get(e.iface, e.address)) == e;
    }

    void clear() {
        entries.clear();
        entries6.clear();
    }

    private static long key(int ifindex, int address) {
        return ((long) ifindex << 32) | (address & 0xFFFFFFFFL);
    }
}
