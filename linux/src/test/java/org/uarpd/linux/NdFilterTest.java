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
 * The neighbour discovery socket's BPF program, run by a classic BPF interpreter written from
 * filter(2) over frames built by the wire codec: which frames reach uarpd, without a socket or root.
 * The kernel's checker refusing the program is the namespace tests' business (the socket would not open).
 */
class NdFilterTest {
    private static final HardwareAddress PEER = HardwareAddress.parse("02:00:5e:00:53:02");
    private static final HardwareAddress US = HardwareAddress.parse("02:00:5e:00:53:01");
    private static final Ip6Address SOURCE = Ip6Address.parse("2001:db8::2");
    private static final Ip6Address TARGET = Ip6Address.parse("2001:db8::1");

    /** What the kernel would keep of {@code frame}: 0 drops it. Loads past the end drop, as in the kernel. */
    static int run(int[][] program, byte[] frame) {
        return run(program, frame, 0 /* PACKET_HOST */);
    }

    /** As {@link #run(int[][], byte[])} for a frame of packet type {@code pkttype} (the only ancillary load the program makes). */
    static int run(int[][] program, byte[] frame, int pkttype) {
        int a = 0;
        for (int pc = 0; pc < program.length; pc++) {
            int[] in = program[pc];
            switch (in[0]) {
                case NdFilter.LDW_ABS -> {
                    if (in[3] != NdFilter.PKTTYPE) throw new AssertionError("word load of " + in[3] + " at " + pc);
                    a = pkttype;
                }
                case NdFilter.LDH_ABS -> {
                    if (in[3] + 2 > frame.length) return 0;
                    a = ((frame[in[3]] & 0xFF) << 8) | (frame[in[3] + 1] & 0xFF);
                }
                case NdFilter.LDB_ABS -> {
                    if (in[3] + 1 > frame.length) return 0;
                    a = frame[in[3]] & 0xFF;
                }
                case NdFilter.JEQ_K -> pc += a == in[3] ? in[1] : in[2];
                case NdFilter.JSET_K -> pc += (a & in[3]) != 0 ? in[1] : in[2];
                case NdFilter.RET_K -> {
                    return in[3];
                }
                default -> throw new AssertionError("opcode 0x" + Integer.toHexString(in[0]) + " at " + pc);
            }
        }
        throw new AssertionError("the program ran off its end");
    }

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
        return run(NdFilter.PROGRAM, frame) != 0;
    }

    @Test
    void solicitationsAndAdvertisementsPassWhole() {
        byte[] ns = frame(NdPacket.solicitation(SOURCE, PEER, TARGET));
        byte[] na = frame(NdPacket.solicitation(SOURCE, PEER, TARGET).advertisementFor(US, false, true));
        byte[] dad = frame(NdPacket.dadProbe(TARGET, new byte[] {1, 2, 3, 4, 5, 6}));
        assertThat(run(NdFilter.PROGRAM, ns)).isGreaterThanOrEqualTo(ns.length);
        assertThat(kept(na)).isTrue();
        assertThat(kept(dad)).isTrue();
        assertThat(run(NdFilter.PROGRAM, ns, 2 /* PACKET_MULTICAST */)).isPositive();
        assertThat(run(NdFilter.PROGRAM, ns, PacketSocket.PACKET_OUTGOING)).as("what this host sent").isZero();
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
        int[][] p = NdFilter.PROGRAM;
        for (int pc = 0; pc < p.length; pc++) {
            if (p[pc][0] == NdFilter.JEQ_K || p[pc][0] == NdFilter.JSET_K) {
                assertThat(pc + 1 + p[pc][1]).isBetween(pc + 1, p.length - 1);
                assertThat(pc + 1 + p[pc][2]).isBetween(pc + 1, p.length - 1);
            }
        }
        assertThat(p[p.length - 1][0]).isEqualTo(NdFilter.RET_K);
        assertThat(p[p.length - 2][0]).isEqualTo(NdFilter.RET_K);
    }
}
