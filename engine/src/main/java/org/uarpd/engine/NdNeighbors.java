package org.uarpd.engine;

import static org.uarpd.engine.NeighborTable.NONE;

import java.util.List;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;

/**
 * The neighbour discovery domain's front to the neighbour state machine (the IPv6 counterpart of
 * {@link ArpNeighbors}): turns IPv6 addresses into the table's keys ({@link Ip6Addresses}) and hands
 * everything to the same {@link Neighbors} and {@link KernelBindings} the ARP domain uses, on a table
 * of its own.
 */
final class NdNeighbors implements Neighbors.Listener {
    private final EngineContext ctx;
    private final NeighborTable table;
    private final Ip6Addresses addresses;
    private final Neighbors machine;
    private final KernelBindings bindings;
    /** The entry {@link #installed} last gave the kernel, so {@link #advertised} knows whether it must. */
    private int lastInstalled = NONE;

    NdNeighbors(EngineContext ctx, NeighborTable table, Ip6Addresses addresses, Neighbors machine) {
        this.ctx = ctx;
        this.table = table;
        this.addresses = addresses;
        this.machine = machine;
        this.bindings = new KernelBindings(ctx, table, machine);
        machine.listen(this);
    }

    /**
     * The guard's lock-learnt rule for IPv6 as for IPv4 (docs/guard.md): a binding given to the kernel
     * is pinned as a static entry once this input is done, so no later advertisement moves it.
     */
    @Override
    public void installed(Link l, int id, HardwareAddress hw, NeighborState state) {
        lastInstalled = id;
        if (state == NeighborState.STATIC || !l.policy.guard().lockLearnt()) return;
        Ip6Address address = addresses.address(id);
        int linkId = l.id;
        ctx.after(0, () -> {
            if (machine.learntBinding(addresses.key(linkId, address), hw) != NONE) {
                addStatic(linkId, address, hw);
                ctx.emit(Kind.CHANGED, linkId, 0, address, hw, NeighborState.STATIC, Reason.PINNED, 0, null);
            }
        });
    }

    AddressColumn.Key key(int link, long high, long low) {
        return addresses.key(link, high, low);
    }

    void kernelMiss(Link l, Ip6Address address, int probes, HardwareAddress known) {
        machine.handleKernelMiss(l, addresses.key(l.id, address), probes, known);
    }

    void resolve(Link l, Ip6Address address) {
        machine.handleOwnNeed(l, addresses.key(l.id, address));
    }

    /** The entry of ({@code high}, {@code low}) on {@code link}, or {@link NeighborTable#NONE}. */
    int find(int link, long high, long low) {
        return table.find(key(link, high, low));
    }

    NeighborState stateOf(int id) {
        return table.stateOf(id);
    }

    boolean sameHardware(int id, byte[] hw) {
        return table.hardwareEquals(id, hw);
    }

    HardwareAddress hardware(int id) {
        return table.hardware(id);
    }

    /** What a packet from ({@code high}, {@code low}) at {@code hw} teaches, by {@code kind} (see {@link Neighbors#handleObservation}). */
    void learn(Link l, long high, long low, byte[] hw, Neighbors.Observation kind) {
        machine.handleObservation(l, key(l.id, high, low), hw, kind);
    }

    /**
     * What an advertisement from ({@code high}, {@code low}) at {@code hw} teaches, with its Router flag:
     * RFC 4861 §7.2.5 sets the entry's IsRouter from it whenever the advertisement is believed (an entry
     * it creates included), and leaves it alone when the binding refuses it. A flag that changed on a
     * binding the kernel holds is given to the kernel even when nothing else changed: a router turned
     * host must stop being one there too (§7.3).
     */
    void advertised(Link l, long high, long low, byte[] hw, Neighbors.Observation kind, boolean router) {
        int id = find(l.id, high, low);
        if (id != NONE && table.stateOf(id) == NeighborState.STATIC) {
            learn(l, high, low, hw, kind);
            return;
        }
        boolean before = id != NONE && addresses.router(id);
        if (id != NONE) addresses.setRouter(id, router);
        lastInstalled = NONE;
        machine.handleObservation(l, addresses.key(l.id, high, low, router), hw, kind);
        if (id == NONE || !table.inUse(id)) return;
        if (!table.hardwareEquals(id, hw)) {
            addresses.setRouter(id, before); // refused (guard, lock time): the advertisement taught nothing
            return;
        }
        if (before != router && lastInstalled != id && table.installed(id) && table.stateOf(id) != NeighborState.INCOMPLETE) {
            machine.install(id, table.stateOf(id));
        }
        if (before && !router) {
            // §7.2.5: IsRouter TRUE to FALSE takes it off the Default Router List. The kernel keeps
            // that list as its default routes from Router Advertisements, and would drop them had it
            // heard this advertisement; clearing NTF_ROUTER over rtnetlink does not, so it is asked to.
            Ip6Address address = addresses.address(id);
            ctx.act(new Action.RemoveDefaultRouter6(l.id, address));
            ctx.emit(Kind.CHANGED, l.id, 0, address, table.hardware(id), table.stateOf(id), Reason.NO_LONGER_ROUTER, 0, null);
        }
    }

    /** The guard verified a change ({@link Guard.Verifier#believe()}): {@code hw} now holds {@code address}. */
    void believe(Link l, Ip6Address address, HardwareAddress hw) {
        machine.applyVerifiedChange(l, addresses.key(l.id, address), hw);
    }

    /** The entry's IsRouter flag (RFC 4861 §6.1). */
    boolean router(int id) {
        return addresses.router(id);
    }

    /** RFC 4861 §7.2.5: a different address without Override demotes a REACHABLE entry to STALE and changes nothing else. */
    void demote(int id) {
        machine.setState(id, NeighborState.STALE, Kind.CHANGED, Reason.OBSERVED);
    }

    /**
     * The kernel's entry changed; its NTF_ROUTER flag ({@code router}) becomes the entry's IsRouter,
     * so a router the kernel learnt from a Router Advertisement (which uarpd does not read) is known
     * as one when its advertisement later says it is not (§7.2.5, {@link #advertised}).
     */
    void kernelChanged(int link, Ip6Address address, HardwareAddress hw, NeighborState state, boolean router) {
        bindings.kernelChanged(ctx.links.get(link), addresses.key(link, address), hw, state);
        int id = hw == null ? NONE : table.find(addresses.key(link, address));
        if (id != NONE && table.hardwareEquals(id, hw)) addresses.setRouter(id, router);
    }

    void addStatic(int link, Ip6Address address, HardwareAddress hw) {
        bindings.addStatic(addresses.key(link, address), hw);
    }

    void deleteStatic(int link, Ip6Address address) {
        bindings.deleteStatic(addresses.key(link, address));
    }

    void reconfigure() {
        machine.reconfigure();
    }

    void flush(int link, Reason reason, boolean includeStatic, boolean tellKernel) {
        machine.flush(link, reason, includeStatic, tellKernel);
    }

    /** Drops dynamic entries of {@code l} no longer on any of the host's IPv6 prefixes there. */
    void purgeOffLink(Link l, NdLink n) {
        machine.purge(l.id, id -> !n.onLink(addresses.high(id), addresses.low(id)), Reason.ADDRESS_REMOVED);
    }

    // -- read-only views -------------------------------------------------------------------------

    Engine.Neighbor6 lookup(int link, Ip6Address address) {
        int id = table.find(addresses.key(link, address));
        return id == NONE ? null : view(id);
    }

    List<Engine.Neighbor6> all() {
        return table.collect(this::view);
    }

    int size() {
        return table.size();
    }

    int pending() {
        return machine.pending();
    }

    NeighborTable table() {
        return table;
    }

    private Engine.Neighbor6 view(int id) {
        return new Engine.Neighbor6(table.link[id], addresses.address(id), table.hardware(id), table.stateOf(id));
    }
}
