package org.uarpd.engine;

import static org.uarpd.engine.NeighborState.FAILED;
import static org.uarpd.engine.NeighborState.INCOMPLETE;
import static org.uarpd.engine.NeighborState.REACHABLE;
import static org.uarpd.engine.NeighborState.STALE;
import static org.uarpd.engine.NeighborState.STATIC;
import static org.uarpd.engine.NeighborTable.NONE;

import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.HardwareAddress;

/**
 * Bindings that come from outside the wire, for any protocol domain: the kernel's own changes
 * (followed, adopted, or put back) and the operator's static entries. Works on the same table and
 * through the same state machine primitives as {@link Neighbors}.
 */
final class KernelBindings {
    private final EngineContext ctx;
    private final NeighborTable table;
    private final Neighbors machine;

    KernelBindings(EngineContext ctx, NeighborTable table, Neighbors machine) {
        this.ctx = ctx;
        this.table = table;
        this.machine = machine;
    }

    /** Someone other than uarpd changed the kernel's binding ({@code link} null: a link the engine does not know). */
    void kernelChanged(Link link, AddressColumn.Key key, HardwareAddress hw, NeighborState kernelState) {
        int id = table.find(key);
        boolean bound = hw != null && hw.length() > 0;
        if (id != NONE && table.kernelStatic(id)) {
            // Someone else's permanent entry: the kernel has the last word on it, we follow.
            if (bound && kernelState == STATIC) {
                if (!table.hardwareEquals(id, hw)) {
                    table.setHardware(id, hw);
                    machine.emitEntry(Kind.CHANGED, id, Reason.KERNEL_CHANGED);
                }
                return;
            }
            machine.remove(id, Reason.KERNEL_CHANGED, false); // deleted, or no longer pinned
            if (!bound) return;
            id = NONE;
        }
        if (bound && kernelState == STATIC && (id == NONE || table.stateOf(id) != STATIC)) {
            adoptKernelStatic(id, link, key, hw);
            return;
        }
        if (id != NONE && table.stateOf(id) == STATIC) {
            if (hw == null || kernelState != STATIC || !table.hardwareEquals(id, hw)) {
                // Static bindings are ours to keep: put it back.
                machine.emitKey(Kind.IGNORED, key, hw, STATIC, Reason.STATIC_ENTRY);
                machine.install(id, STATIC);
            }
            return;
        }
        if (!bound) {
            // Only a binding the kernel held goes with it: a resolution under way or a negative-cache
            // entry stays (the deletion may well be the kernel carrying out our own RemoveNeighbor).
            if (id != NONE && table.stateOf(id) != INCOMPLETE && table.stateOf(id) != FAILED) {
                table.setInstalled(id, false);
                table.setKernelWaiting(id, false);
                machine.remove(id, Reason.KERNEL_CHANGED, false);
            }
            return;
        }
        if (id != NONE && table.stateOf(id) == kernelState && table.hardwareEquals(id, hw)) {
            // Nothing new (typically the echo of our own install): not a change.
            table.setInstalled(id, true);
            return;
        }
        if (kernelState != REACHABLE && kernelState != STALE) {
            // The kernel's own resolution states say nothing we can use.
            machine.emitKey(Kind.IGNORED, key, hw, kernelState, Reason.KERNEL_CHANGED);
            return;
        }
        if (id == NONE) {
            if (link == null) return;
            id = machine.create(link, key, kernelState);
            if (id == NONE) return;
            table.setHardware(id, hw);
            table.setInstalled(id, true);
            machine.setState(id, kernelState, Kind.ADDED, Reason.KERNEL_CHANGED);
            return;
        }
        table.setHardware(id, hw);
        table.stamp[id] = ctx.now();
        table.setInstalled(id, true);
        table.setKernelWaiting(id, false);
        machine.setState(id, kernelState, Kind.CHANGED, Reason.KERNEL_CHANGED);
    }

    /**
     * The operator pinned a binding in the kernel itself ({@code ip neigh add … permanent},
     * {@code arp -s}): it becomes a STATIC entry here too, so that nothing learnt from the wire is
     * ever installed over it, but one the kernel owns — followed when it changes or goes, never
     * installed or put back by us.
     */
    private void adoptKernelStatic(int id, Link link, AddressColumn.Key key, HardwareAddress hw) {
        if (link == null) return;
        if (id != NONE) machine.remove(id, Reason.KERNEL_CHANGED, false); // the kernel's entry replaced it there
        if (table.staticFull()) {
            machine.emitKey(Kind.IGNORED, key, hw, STATIC, Reason.TABLE_FULL);
            return;
        }
        id = table.add(key, STATIC, ctx.now());
        table.setHardware(id, hw);
        table.setInstalled(id, true);
        table.setKernelStatic(id, true);
        machine.emitEntry(Kind.ADDED, id, Reason.KERNEL_CHANGED);
    }

    /** The operator's binding (or a pinned one): STATIC, replacing whatever the wire said. */
    void addStatic(AddressColumn.Key key, HardwareAddress hw) {
        int id = table.find(key);
        if (id != NONE && table.stateOf(id) == STATIC) {
            table.setKernelStatic(id, false); // the operator's through uarpd now: ours to keep
            if (table.hardwareEquals(id, hw)) return; // nothing changes (gVisor: no event either)
            table.setHardware(id, hw);
            machine.emitEntry(Kind.CHANGED, id, Reason.OPERATOR);
            machine.install(id, STATIC);
            return;
        }
        if (id != NONE) {
            // The operator's word replaces whatever the wire said: the dynamic entry goes.
            machine.remove(id, Reason.OPERATOR, false);
        }
        if (table.staticFull()) {
            machine.emitKey(Kind.IGNORED, key, hw, null, Reason.TABLE_FULL);
            return;
        }
        id = table.add(key, STATIC, ctx.now());
        table.setHardware(id, hw);
        machine.emitEntry(Kind.ADDED, id, Reason.OPERATOR);
        machine.install(id, STATIC);
    }

    void deleteStatic(AddressColumn.Key key) {
        int id = table.find(key);
        if (id == NONE || table.stateOf(id) != STATIC) {
            machine.emitKey(Kind.IGNORED, key, null, null, Reason.NO_SUCH_ENTRY);
            return;
        }
        machine.remove(id, Reason.OPERATOR, true);
    }
}
