package org.uarpd.sim;

import java.util.HashMap;
import java.util.Map;
import org.uarpd.engine.NeighborState;
import org.uarpd.wire.ArpCodec;
import org.uarpd.wire.ArpFamilyCodec;
import org.uarpd.wire.ArpFamilyPacket;
import org.uarpd.wire.AtmArpPacket;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.ProtocolAddress;

/**
 * The "limited and very simple piece of code" that the 1996 NetBSD routing-socket proposal keeps in the
 * kernel: enough ARP to boot a diskless client and to serve hosts that run no daemon. It answers requests for the host's own
 * addresses, merges senders it already knows (RFC 826's merge flag), resolves with a fixed number of
 * one-second retries (4.4BSD's arp_maxtries / arpt_down), and asks for the host's own address by
 * RARP (RFC 903) when an interface has none. On ATM interfaces it is an ATMARP client of the
 * logical IP subnet's server instead (RFC 2225 §8.5, {@link AtmArpClient}).
 */
final class KernelArp {
    static final long RETRANSMIT = Simulation.SECOND;
    static final int MAX_TRIES = 5;
    /** After giving up, refuse packets for this long (BSD's arpt_down). */
    static final long DOWN_TIME = 20 * Simulation.SECOND;
    static final long RARP_FIRST_RETRY = Simulation.SECOND;
    static final long RARP_MAX_RETRY = 8 * Simulation.SECOND;

    private final Kernel kernel;

    KernelArp(Kernel kernel) {
        this.kernel = kernel;
    }

    /** Sends (or re-sends) a request for an unresolved entry, and arms its retry. */
    void solicit(NeighborEntry e) {
        SimInterface ifp = e.iface;
        if (Kernel.isAtm(ifp)) {
            // RFC 2225 §8.5: no broadcast; the client asks its LIS's ATMARP server and retries itself
            if (kernel.kernelResolves() && kernel.neighbors().resolving(e)) atmClient(ifp).resolve(e.address);
            return;
        }
        if (!kernel.neighbors().nextTry(e, MAX_TRIES)) return;
        ArpPacket request = new ArpPacket(ifp.type().hardwareType(), EtherType.IPV4, Opcode.REQUEST, ifp.address(),
                ProtocolAddress.ip4(ifp.sourceFor(e.address)), zeros(ifp), ProtocolAddress.ip4(e.address));
        send(ifp, ifp.type().broadcast(), EtherType.ARP, request);
        kernel.neighbors().retryLater(e, RETRANSMIT, this::solicit);
    }

    void input(SimInterface ifp, Frame f) {
        ArpFamilyPacket packet;
        try {
            packet = ArpFamilyCodec.decode(f.buffer(), f.payloadOffset(), f.payloadLength());
        } catch (MalformedFrameException ex) {
            kernel.world().stats().malformedFrames++;
            return;
        }
        switch (packet) {
            case ArpPacket p -> arpInput(ifp, p);
            case AtmArpPacket p -> atmClient(ifp).input(p);
        }
    }

    private void arpInput(SimInterface ifp, ArpPacket p) {
        if (p.protocolType() != EtherType.IPV4 || !p.senderProtocol().isIp4()
                || p.hardwareLength() != ifp.type().addressLength()) {
            return;
        }
        int op = p.opcode().value();
        if (op == Opcode.RARP_REPLY.value()) {
            if (p.targetHardware().equals(ifp.address())) kernel.host().rarpAnswered(ifp, p.targetProtocol().toIp4());
            return;
        }
        if (op != Opcode.REQUEST.value() && op != Opcode.REPLY.value()) return;
        int spa = p.senderProtocol().toIp4();
        int tpa = p.targetProtocol().toIp4();
        if (spa != 0 && ifp.owns(spa)) {
            kernel.world().timeline().log(kernel.host().name(), "duplicate address " + Ip4.format(spa) + " claimed by " + p.senderHardware());
            return;
        }
        boolean forMe = ifp.owns(tpa);
        // an RFC 5227 probe (sender 0.0.0.0) teaches nothing, but 4.4BSD's in_arpinput still answered
        // one for its own address, and that answer is what tells the prober of the conflict (§2.1.1)
        if (spa != 0) {
            NeighborEntry known = kernel.neighbors().get(ifp, spa);
            // RFC 826: update a sender we already have; add it only when the packet is for us
            if ((known != null && !known.pinned) || (known == null && forMe)) {
                kernel.install(ifp, spa, p.senderHardware(), NeighborState.REACHABLE);
            }
        }
        if (op == Opcode.REQUEST.value() && forMe) {
            ArpPacket reply = new ArpPacket(p.hardwareType(), EtherType.IPV4, Opcode.REPLY, ifp.address(),
                    p.targetProtocol(), p.senderHardware(), p.senderProtocol());
            send(ifp, p.senderHardware(), EtherType.ARP, reply);
        }
    }

    private final Map<SimInterface, AtmArpClient> atmClients = new HashMap<>();

    /** The kernel's own ATMARP client (RFC 2225 §8.5) on {@code ifp}: it binds in this kernel's table. */
    AtmArpClient atmClient(SimInterface ifp) {
        return atmClients.computeIfAbsent(ifp, i -> new AtmArpClient(i, new AtmArpClient.Binder() {
            @Override
            public void bind(int address, HardwareAddress atm) {
                NeighborEntry e = kernel.neighbors().get(i, address);
                if (e != null && !e.pinned) kernel.install(i, address, atm, NeighborState.REACHABLE);
            }

            @Override
            public void fail(int address, boolean nak) {
                NeighborEntry e = kernel.neighbors().get(i, address);
                if (e != null && e.pendingSince >= 0) kernel.neighbors().fail(e, DOWN_TIME, nak ? SimStats.Failure.NAK : SimStats.Failure.NO_ANSWER);
            }

            @Override
            public void expire(int address, HardwareAddress atm) {
                NeighborEntry e = kernel.neighbors().get(i, address);
                if (e != null && atm.equals(e.hardware) && e.pendingSince < 0 && !e.pinned) kernel.neighbors().remove(i, address);
            }
        }, kernel::kernelResolves, (to, frame) -> kernel.transmitFrame(i, to, frame)));
    }

    /** Broadcasts a RARP request for {@code ifp}'s own hardware address (RFC 903). */
    void rarpRequest(SimInterface ifp) {
        HardwareAddress own = ifp.address();
        ArpPacket request = new ArpPacket(ifp.type().hardwareType(), EtherType.IPV4, Opcode.RARP_REQUEST, own,
                ProtocolAddress.ip4(0), own, ProtocolAddress.ip4(0));
        send(ifp, ifp.type().broadcast(), EtherType.RARP, request);
    }

    private void send(SimInterface ifp, HardwareAddress destination, int etherType, ArpPacket packet) {
        kernel.transmitFrame(ifp, destination, ifp.type().encode(destination, ifp.address(), etherType, ArpCodec.encode(packet)));
    }

    private static HardwareAddress zeros(SimInterface ifp) {
        return HardwareAddress.of(new byte[ifp.type().addressLength()]);
    }
}
