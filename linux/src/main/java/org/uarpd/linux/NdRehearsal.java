package org.uarpd.linux;

import java.util.function.Consumer;
import org.uarpd.engine.Input;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.link.Ethernet;
import org.uarpd.wire.nd.NdCodec;
import org.uarpd.wire.nd.NdPacket;

/**
 * The IPv6 half of a {@link WarmUp} round: an IPv6 miss and another program's change to an IPv6
 * neighbour entry, written as the kernel writes them and read by the same {@link KernelTranslator};
 * the peer's advertisement answering the miss; a peer's solicitation for the host's address. Without
 * it the first real IPv6 event would meet code compiled for ARP only, and the JIT would throw it away.
 *
 * <p>The host's address here is the link-local one its kernel would derive from the hardware address
 * (RFC 4291 §2.5.1, modified EUI-64), the peers' are other link-local addresses: shown to the scratch
 * engine only, never sent.
 */
final class NdRehearsal {
    private static final int PEERS = 200;
    private static final long LINK_LOCAL = 0xfe80_0000_0000_0000L;

    private final int link;
    private final Ip6Address own;
    private final Ip6Address[] peers = new Ip6Address[PEERS];
    private final byte[][] replies = new byte[PEERS][];
    private final byte[][] solicitations = new byte[PEERS][];
    private final byte[] peerHardware;
    private final byte[] destination = new byte[16];
    /** The entry other programs change: not one of the peers, whose misses must stay misses. */
    private final byte[] changed = new Ip6Address(LINK_LOCAL, 0x0200_5eff_fe00_53fdL).toBytes();

    NdRehearsal(int link, HardwareAddress hardware, HardwareAddress peer) {
        this.link = link;
        this.own = linkLocal(hardware.toByteArray());
        this.peerHardware = peer.toByteArray();
        for (int i = 0; i < PEERS; i++) {
            peers[i] = new Ip6Address(LINK_LOCAL, 0x0200_5eff_fe00_5300L + 2 + i);
            NdPacket ask = NdPacket.solicitation(peers[i], peer, own);
            NdPacket answer = NdPacket.solicitation(own, hardware, peers[i]).advertisementFor(peer, false, true);
            replies[i] = Ethernet.INSTANCE.encode(hardware, peer, NdFilter.ETH_P_IPV6, NdCodec.encode(answer));
            solicitations[i] = Ethernet.INSTANCE.encode(own.solicitedNode().multicastMac(), peer, NdFilter.ETH_P_IPV6, NdCodec.encode(ask));
        }
    }

    /** What the engine learns before the rounds: the host's address on the link. */
    Input address() {
        return new Input.AddressAdded6(link, own, 64);
    }

    /** Round {@code i}: the kernel's messages through {@code translator}, the frames to {@code received} (the neighbour discovery socket). */
    void round(int i, KernelTranslator translator, NetlinkWriter writer, NetlinkReader reader, int ownPortId, Consumer<byte[]> received) {
        int k = i % PEERS;
        peers[k].copyTo(destination, 0);
        int n = writer.reset().begin(Rtnetlink.RTM_GETNEIGH, NetlinkSocket.NLM_F_REQUEST, 0)
                .ndmsg(Libc.AF_INET6, link, Rtnetlink.NUD_INCOMPLETE, 0, Rtnetlink.RTN_UNICAST)
                .attr(Rtnetlink.NDA_DST, destination).attrU32(Rtnetlink.NDA_PROBES, 0).end().length();
        translator.datagram(reader.reset(n), ownPortId);
        n = writer.reset().begin(i % 2 == 0 ? Rtnetlink.RTM_NEWNEIGH : Rtnetlink.RTM_DELNEIGH, 0, 0)
                .ndmsg(Libc.AF_INET6, link, Rtnetlink.NUD_STALE, 0, Rtnetlink.RTN_UNICAST)
                .attr(Rtnetlink.NDA_DST, changed).attr(Rtnetlink.NDA_LLADDR, peerHardware).end().length();
        translator.datagram(reader.reset(n), ownPortId);
        received.accept(replies[k]);
        received.accept(solicitations[k]);
    }

    /** fe80::/64 with the interface identifier of RFC 4291 Appendix A (universal/local bit flipped, ff:fe inserted). */
    static Ip6Address linkLocal(byte[] mac) {
        long id = ((long) ((mac[0] ^ 0x02) & 0xFF) << 56) | ((long) (mac[1] & 0xFF) << 48) | ((long) (mac[2] & 0xFF) << 40)
                | 0xFFL << 32 | 0xFEL << 24 | ((mac[3] & 0xFF) << 16) | ((mac[4] & 0xFF) << 8) | (mac[5] & 0xFF);
        return new Ip6Address(LINK_LOCAL, id);
    }
}
