package org.uarpd.wire.link;

import java.util.List;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.ProtocolAddress;

/** Stations and ARP-family packets of every opcode for any RFC 826-format link type, for tests. */
public final class ArpSamples {
    public static final List<Opcode> OPCODES = List.of(Opcode.REQUEST, Opcode.REPLY, Opcode.RARP_REQUEST, Opcode.RARP_REPLY,
            Opcode.INARP_REQUEST, Opcode.INARP_REPLY, Opcode.NAK);

    /** Link types whose ARP uses the RFC 826 layout (ATM uses RFC 2225 ATMARP). */
    public static final List<LinkType> RFC826_LINKS = LinkTypes.all().stream()
            .filter(l -> l != AtmLlcSnap.INSTANCE).toList();

    private ArpSamples() {}

    /** A unicast address of station {@code n} (1..200) with the link's address length. */
    public static HardwareAddress station(LinkType link, int n) {
        int len = link.addressLength();
        byte[] b = new byte[len];
        if (len == 1) {
            b[0] = (byte) n;
        } else if (len == 20) {
            // IPoIB: flags/QPN 0x000048+n, then a link-local GID fe80::2:c903:0:n
            b[2] = 0x00; b[3] = (byte) (0x48 + n);
            b[4] = (byte) 0xfe; b[5] = (byte) 0x80;
            b[12] = 0x00; b[13] = 0x02; b[14] = (byte) 0xc9; b[15] = 0x03; b[19] = (byte) n;
        } else {
            b[0] = 0x02; b[1] = 0x00; b[2] = 0x5e; b[3] = 0x10; b[len - 1] = (byte) n;
        }
        return HardwareAddress.of(b);
    }

    /** EtherType a packet with {@code op} travels in: RARP (RFC 903) for opcodes 3 and 4, ARP otherwise. */
    public static int etherType(Opcode op) {
        return op.value() == 3 || op.value() == 4 ? EtherType.RARP : EtherType.ARP;
    }

    /** A plausible packet of kind {@code op} from station 1 (192.0.2.1) about station 2 (192.0.2.2). */
    public static ArpPacket packet(LinkType link, Opcode op) {
        HardwareAddress me = station(link, 1);
        HardwareAddress peer = station(link, 2);
        HardwareAddress zero = HardwareAddress.of(new byte[link.addressLength()]);
        ProtocolAddress myIp = ProtocolAddress.ip4("192.0.2.1");
        ProtocolAddress peerIp = ProtocolAddress.ip4("192.0.2.2");
        ProtocolAddress noIp = ProtocolAddress.ip4("0.0.0.0");
        return switch (op.value()) {
            case 1 -> new ArpPacket(link.hardwareType(), EtherType.IPV4, op, me, myIp, zero, peerIp);
            case 3 -> new ArpPacket(link.hardwareType(), EtherType.IPV4, op, me, noIp, me, noIp);
            case 4 -> new ArpPacket(link.hardwareType(), EtherType.IPV4, op, me, myIp, peer, peerIp);
            case 8 -> new ArpPacket(link.hardwareType(), EtherType.IPV4, op, me, myIp, peer, noIp);
            default -> new ArpPacket(link.hardwareType(), EtherType.IPV4, op, me, myIp, peer, peerIp);
        };
    }

    /** Destination a packet of kind {@code op} is sent to: broadcast for requests that do not know the peer. */
    public static HardwareAddress destination(LinkType link, Opcode op) {
        return op.value() == 1 || op.value() == 3 ? link.broadcast() : station(link, 2);
    }
}
