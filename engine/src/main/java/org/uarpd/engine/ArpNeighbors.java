package org.uarpd.engine;

import static org.uarpd.engine.NeighborTable.NONE;

import java.util.List;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.HardwareAddress;

/**
 * The ARP domain's front to the neighbour state machine: turns IPv4 addresses into the table's keys
 * ({@link Ip4Addresses}) and hands everything else to {@link Neighbors} and {@link KernelBindings}
 * unchanged. What the state machine reports (bindings installed, entries gone) goes from here to the
 * bridge and to the guard's lock-learnt rule.
 */
final class ArpNeighbors implements Neighbors.Listener, Bridge.Resolver {
    private final EngineContext ctx;
    private final NeighborTable table;
    private final Ip4Addresses addresses;
    private final Neighbors machine;
    private final KernelBindings bindings;
    private Bridge bridge;

    ArpNeighbors(EngineContext ctx, NeighborTable table, Ip4Addresses addresses, Neighbors machine) {
        this.ctx = ctx;
        this.table = table;
        this.addresses = addresses;
        this.machine = machine;
        this.bindings = new KernelBindings(ctx, table, machine);
        machine.listen(this);
    }

    void bridge(Bridge b) {
        this.bridge = b;
    }

    private AddressColumn.Key key(int link, int address) {
        return addresses.key(link, address);
    }

    void kernelMiss(Link l, int address, int probes, HardwareAddress known) {
        machine.handleKernelMiss(l, key(l.id, address), probes, known);
    }

    @Override
    public void resolve(Link l, int address) {
        machine.handleOwnNeed(l, key(l.id, address));
    }

    /** What {@code sender}'s packet on {@code l} teaches: nothing from a probe (sender 0) nor about our own addresses. */
    void learn(Link l, int sender, byte[] hw, Neighbors.Observation kind) {
        if (sender == 0) return; // RFC 5227 probe: says nothing about the sender
        if (l.owns(sender)) {
            ctx.emit(Kind.IGNORED, l.id, sender, HardwareAddress.of(hw), null, Reason.ADDRESS_CONFLICT);
            return;
        }
        if (Neighbors.creates(l, kind) && !l.onSubnet(sender) && !tracks(l.id, sender)) {
            // Not a neighbour this link can reach directly: believing it would only fill the table
            // (a flood of forged senders). Still answered; an entry the host asked for is updated.
            ctx.emit(Kind.IGNORED, l.id, sender, HardwareAddress.of(hw), null, Reason.OFF_SUBNET_SENDER);
            return;
        }
        machine.handleObservation(l, key(l.id, sender), hw, kind);
    }

    /** True when the table has an entry for {@code address} on {@code link}. */
    boolean tracks(int link, int address) {
        return table.find(key(link, address)) != NONE;
    }

    void kernelChanged(int link, int address, HardwareAddress hw, NeighborState state) {
        bindings.kernelChanged(ctx.links.get(link), key(link, address), hw, state);
    }

    void addStatic(int link, int address, HardwareAddress hw) {
        bindings.addStatic(key(link, address), hw);
    }

    void deleteStatic(int link, int address) {
        bindings.deleteStatic(key(link, address));
    }

    void reconfigure() {
        machine.reconfigure();
    }

    /** The guard verified a change ({@link Guard.Verifier#believe()}): {@code hw} now holds {@code address}. */
    void believe(Link l, int address, HardwareAddress hw) {
        machine.applyVerifiedChange(l, key(l.id, address), hw);
    }

    void flush(int link, Reason reason, boolean includeStatic, boolean tellKernel) {
        machine.flush(link, reason, includeStatic, tellKernel);
    }

    /** Drops dynamic entries of {@code l} that no longer lie on any of its subnets (NetBSD purges them). */
    void purgeOffSubnet(Link l) {
        machine.purge(l.id, id -> !l.onSubnet(addresses.address(id)), Reason.ADDRESS_REMOVED);
    }

    @Override
    public void installed(Link l, int id, HardwareAddress hw, NeighborState state) {
        int address = addresses.address(id);
        bridge.installed(l, address);
        if (state != NeighborState.STATIC && l.guard != null && l.guard.policy.lockLearnt()) {
            // Learnt, then locked: pinned as a static entry once this input is done.
            int linkId = l.id;
            ctx.after(0, () -> {
                if (machine.learntBinding(key(linkId, address), hw) != NONE) {
                    addStatic(linkId, address, hw);
                    ctx.emit(Kind.CHANGED, linkId, address, hw, NeighborState.STATIC, Reason.PINNED);
                }
            });
        }
    }

    @Override
    public void removed(Link l, int id) {
        bridge.removed(l, addresses.address(id));
    }

    // -- read-only views -------------------------------------------------------------------------

    Engine.Neighbor lookup(int link, int address) {
        int id = table.find(key(link, address));
        return id == NONE ? null : view(id);
    }

    List<Engine.Neighbor> all() {
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

    private Engine.Neighbor view(int id) {
        return new Engine.Neighbor(table.link[id], addresses.address(id), table.hardware(id), table.stateOf(id));
    }
}
