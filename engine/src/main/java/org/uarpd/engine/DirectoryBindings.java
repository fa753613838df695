package org.uarpd.engine;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.HardwareAddress;

/**
 * A copy of a shared directory of bindings (docs/fleet.md), kept from what the backend says with
 * {@link OperatorCommand.DirectoryKnown} and {@link OperatorCommand.DirectoryGone}. Other hosts wrote
 * these bindings; the engine uses them in two ways, as RFC 9161 does with the bindings an EVPN
 * control plane distributes, and never so that a stale one can cut a host off:
 * <ul>
 * <li><b>A hint for a kernel miss</b>: the first request of a new resolution for an address the
 *     directory holds goes by unicast to the directory's hardware address instead of broadcast. A
 *     reply completes the resolution the normal way; without one, the resolution's next request, a
 *     retransmit interval later, is broadcast as usual. The check is made only when the resolution
 *     has at least one broadcast request left after it.
 * <li><b>Answers on behalf of others</b> ({@link OperatorCommand.DirectoryAnswers}, off until the
 *     backend turns it on): a broadcast request for an address the directory holds, which is neither
 *     ours nor published by us, is answered with the directory's hardware address. The backend turns
 *     this on only while it knows each binding's writer is alive (the bindings ride on the writers'
 *     leases), and off when it can no longer tell. Probes (RFC 5227, sender 0) are never answered from
 *     here: whether an address is in use is for its holder to say.
 * </ul>
 * Bounded by {@link EngineConfig#maxEntries()}: a binding beyond it is refused (IGNORED/TABLE_FULL),
 * which only costs the broadcast it would have saved.
 */
final class DirectoryBindings {
    private final EngineContext ctx;
    private final Map<Integer, byte[]> bindings = new HashMap<>();
    private boolean answers;
    // The check armed for the kernel miss being handled: used by the first broadcast request of it.
    private int armedLink;
    private int armedAddress;
    private byte[] armedHardware;

    DirectoryBindings(EngineContext ctx) {
        this.ctx = ctx;
    }

    int size() {
        return bindings.size();
    }

    void command(OperatorCommand.DirectoryCommand c) {
        switch (c) {
            case OperatorCommand.DirectoryKnown k -> {
                if (bindings.size() >= ctx.config().maxEntries() && !bindings.containsKey(k.address())) {
                    ctx.emit(Kind.IGNORED, 0, k.address(), k.hardware(), null, Reason.TABLE_FULL);
                    return;
                }
                bindings.put(k.address(), k.hardware().toByteArray());
            }
            case OperatorCommand.DirectoryGone g -> bindings.remove(g.address());
            case OperatorCommand.DirectoryAnswers a -> answers = a.on();
        }
    }

    /** A kernel miss for {@code address} on {@code l} is about to be handled: arms its unicast check. */
    void arm(Link l, int address) {
        byte[] hw = bindings.get(address);
        if (hw == null || hw.length != l.hardwareBytes.length || !l.onSubnet(address) || l.owns(address)) return;
        armedLink = l.id;
        armedAddress = address;
        armedHardware = hw;
    }

    void disarm() {
        armedHardware = null;
    }

    /**
     * Where the broadcast request for {@code target} on {@code l} should go instead, or null: the
     * armed check's hardware address, once, if {@code sentBefore} requests of the resolution leave a
     * broadcast after this one.
     */
    byte[] unicastCheck(Link l, int target, int sentBefore) {
        byte[] hw = armedHardware;
        if (hw == null || armedLink != l.id || armedAddress != target) return null;
        armedHardware = null;
        return sentBefore + 1 < ctx.config().timers().broadcastProbes() ? hw : null;
    }

    /**
     * The hardware address to answer request {@code q} with on behalf of the directory, or null when
     * it is not ours to answer: answers off, not broadcast, a probe, an address the directory does
     * not hold, or a binding that would tell the requester it is at its own address (a stale entry).
     */
    byte[] onBehalf(Link l, ArpObservation q) {
        if (!answers || !q.toBroadcast || q.sender == 0) return null;
        byte[] hw = bindings.get(q.target);
        if (hw == null || hw.length != l.hardwareBytes.length || Arrays.equals(hw, q.senderHardware)
                || l.isOwnHardware(hw, 0, hw.length)) {
            return null;
        }
        return hw;
    }

    /** For tests and monitors: the binding held for {@code address}, or null. */
    HardwareAddress lookup(int address) {
        byte[] hw = bindings.get(address);
        return hw == null ? null : HardwareAddress.of(hw);
    }
}
