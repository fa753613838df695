package org.uarpd.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.link.Ethernet;
import org.uarpd.wire.nd.NdCodec;
import org.uarpd.wire.nd.NdPacket;

/**
 * The neighbour discovery socket's BPF program, run by {@link ClassicBpf} over frames built by the
 * wire codec: which frames reach uarpd.
 */
class NdFilterTest {
    private static final HardwareAddress PEER = HardwareAddress.parse("02:00:5e:00:53:02");
    private static final HardwareAddress US = HardwareAddress.parse("02:00:5e:00:53:01");
    private static final Ip6Address SOURCE = Ip6Address.parse("2001:db8::2");
    private static final Ip6Address TARGET = Ip6Address.parse("2001:db8::1");

    private static byte[] frame(NdPacket p) {
        return Ethernet.INSTANCE.encode(US, PEER, NdFilter.ETH_P_IPV6, NdCodec.encode(p));
    }

    /** {@code frame} with an 8-byte extension header of type {@code header} between the IPv6 header and ICMPv6. */
    private static byte[] withExtension(byte[] frame, int header, int lengthField, int fragmentOffsetField) {
        byte[] out = new byte[frame.length + 8];
        System.arraycopy(frame, 0, out, 0, 54);
        System.arraycopy(frame, 54, out, 62, frame.length - 54);
        out[20] = (byte) header;
        out[54] = 58;
        out[55] = (byte) lengthField;
        out[56] = (byte) (fragmentOffsetField >>> 8);
        out[57] = (byte) fragmentOffsetField;
        int payload = (((out[18] & 0xFF) << 8) | (out[19] & 0xFF)) + 8;
        out[18] = (byte) (payload >>> 8);
        out[19] = (byte) payload;
        return out;
    }

    private static boolean kept(byte[] frame) {
        return ClassicBpf.run(NdFilter.PROGRAM, frame) != 0;
    }

    @Test
    void solicitationsAndAdvertisementsPassWhole() {
        byte[] ns = frame(NdPacket.solicitation(SOURCE, PEER, TARGET));
        byte[] na = frame(NdPacket.solicitation(SOURCE, PEER, TARGET).advertisementFor(US, false, true));
        byte[] dad = frame(NdPacket.dadProbe(TARGET, new byte[] {1, 2, 3, 4, 5, 6}));
        assertThat(ClassicBpf.run(NdFilter.PROGRAM, ns)).isGreaterThanOrEqualTo(ns.length);
        assertThat(kept(na)).isTrue();
        assertThat(kept(dad)).isTrue();
        assertThat(ClassicBpf.run(NdFilter.PROGRAM, ns, 2 /* PACKET_MULTICAST */)).isPositive();
        assertThat(ClassicBpf.run(NdFilter.PROGRAM, ns, PacketSocket.PACKET_OUTGOING)).as("what this host sent").isZero();
    }

    @Test
    void otherIcmpv6OtherIpv6AndOtherEtherTypesStayInTheKernel() {
        byte[] ns = frame(NdPacket.solicitation(SOURCE, PEER, TARGET));
        for (int type : new int[] {128, 129, 133, 134, 137, 143}) {
            byte[] other = ns.clone();
            other[54] = (byte) type;
            assertThat(kept(other)).as("ICMPv6 type %d", type).isFalse();
        }
        byte[] udp = ns.clone();
        udp[20] = 17;
        assertThat(kept(udp)).isFalse();
        byte[] arp = ns.clone();
        arp[12] = (byte) (EtherType.ARP >>> 8);
        arp[13] = (byte) EtherType.ARP;
        assertThat(kept(arp)).isFalse();
        assertThat(kept(Arrays.copyOf(ns, 40))).as("too short for a type").isFalse();
    }

    @Test
    void neighbourDiscoveryBehindOneExtensionHeaderReachesTheEngineToBeCountedAndDropped() {
        byte[] ns = frame(NdPacket.solicitation(SOURCE, PEER, TARGET));
        assertThat(kept(withExtension(ns, 0, 0, 0))).as("hop-by-hop").isTrue();
        assertThat(kept(withExtension(ns, 60, 0, 0))).as("destination options").isTrue();
        assertThat(kept(withExtension(ns, 44, 0, 1))).as("first fragment, more to come").isTrue();
        assertThat(kept(withExtension(ns, 44, 0, 8 << 3))).as("a later fragment carries no type").isFalse();
        assertThat(kept(withExtension(ns, 0, 1, 0))).as("a longer options header").isFalse();
        assertThat(kept(withExtension(ns, 43, 0, 0))).as("routing header").isFalse();
        byte[] mld = withExtension(ns, 0, 0, 0);
        mld[62] = (byte) 143;
        assertThat(kept(mld)).as("an MLD report behind its router alert").isFalse();
    }

    @Test
    void everyJumpLandsInsideTheProgramAndItEndsInReturns() {
        ClassicBpf.checkShape(NdFilter.PROGRAM);
    }
}
