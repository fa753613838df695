package org.uarpd.sim;

import java.util.Optional;
import org.uarpd.engine.NeighborState;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.nd.NdCodec;
import org.uarpd.wire.nd.NdPacket;
import org.uarpd.wire.nd.NdValidation;

/**
 * The IPv6 counterpart of {@link KernelArp}: the little neighbour discovery (RFC 4861) a kernel keeps
 * for the time no daemon runs. It answers solicitations for the host's own addresses (a DAD probe
 * to all nodes, RFC 4861 §7.2.4), learns solicitors STALE (§7.2.3), takes advertisements for the
 * neighbours it is resolving or holds (§7.2.5), and resolves with MAX_MULTICAST_SOLICIT
 * solicitations RETRANS_TIMER apart (§10) to the target's solicited-node group. Like the kernel's
 * ARP it runs no duplicate address detection of its own; it logs an advertisement for one of its
 * addresses.
 */
final class KernelNd {
    static final long RETRANS_TIMER = Simulation.SECOND;
    static final int MAX_MULTICAST_SOLICIT = 3;

    private final Kernel kernel;

    KernelNd(Kernel kernel) {
        this.kernel = kernel;
    }

    /** Sends (or re-sends) a solicitation for an unresolved entry, and arms its retry. */
    void solicit(NeighborEntry e) {
        SimInterface ifp = e.iface;
        Ip6Address source = ifp.sourceFor6(e.address6);
        // with no address of ours to ask from there is no try to make: the entry fails at once
        if (!kernel.neighbors().nextTry(e, source == null ? 0 : MAX_MULTICAST_SOLICIT)) return;
        send(ifp, NdPacket.solicitation(source, ifp.address(), e.address6), e.address6.solicitedNode().multicastMac());
        kernel.neighbors().retryLater(e, RETRANS_TIMER, this::solicit);
    }

    /** An ND frame the interface received (the caller has seen it is ICMPv6 neighbour discovery). */
    void input(SimInterface ifp, Frame f) {
        NdPacket p;
        try {
            Optional<NdPacket> decoded = NdCodec.decode(f.buffer(), f.payloadOffset(), f.payloadLength());
            if (decoded.isEmpty()) return;
            p = decoded.get();
        } catch (MalformedFrameException ex) {
            kernel.world().stats().malformedFrames++;
            return;
        }
        // RFC 4861 §7.1: hop limit 255, code 0, no multicast target, … or the packet is dropped
        if (!NdValidation.check(p).isEmpty()) return;
        if (p.isSolicitation()) solicitation(ifp, p, f.source());
        else advertisement(ifp, p);
    }

    private void solicitation(SimInterface ifp, NdPacket p, HardwareAddress linkSource) {
        if (!ifp.owns6(p.target())) return;
        int length = ifp.type().addressLength();
        Optional<HardwareAddress> sll = p.sourceLinkLayer(length);
        if (!p.isDadProbe() && sll.isPresent()) {
            NeighborEntry known = kernel.neighbors().get(ifp, p.source());
            if (known == null || !known.pinned) kernel.install(ifp, p.source(), sll.get(), NeighborState.STALE);
        }
        NdPacket answer = p.advertisementFor(ifp.address(), false, true);
        HardwareAddress to = p.isDadProbe() ? Ip6Address.ALL_NODES.multicastMac() : sll.orElse(linkSource);
        send(ifp, answer, to);
    }

    private void advertisement(SimInterface ifp, NdPacket p) {
        Optional<HardwareAddress> tll = p.targetLinkLayer(ifp.type().addressLength());
        if (ifp.owns6(p.target())) {
            kernel.world().timeline().log(kernel.host().name(), "duplicate address " + p.target() + " advertised by "
                    + tll.map(HardwareAddress::toString).orElse("a station without a link-layer option"));
            return;
        }
        NeighborEntry e = kernel.neighbors().get(ifp, p.target());
        if (e == null || e.pinned || tll.isEmpty()) return;
        // §7.2.5: an INCOMPLETE entry takes any answer; a known one changes only when Override is set
        if (e.pendingSince >= 0 || p.override() || tll.get().equals(e.hardware)) {
            kernel.install(ifp, p.target(), tll.get(), p.solicited() ? NeighborState.REACHABLE : NeighborState.STALE);
        }
    }

    private void send(SimInterface ifp, NdPacket packet, HardwareAddress destination) {
        kernel.transmitIp(ifp, destination, EtherType.IPV6, NdCodec.encode(packet));
    }
}
