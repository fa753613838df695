package org.uarpd.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.Ip6;
import org.uarpd.wire.Ip6Address;

/** The netlink message builder and walker, without a kernel (runs without root). */
class NetlinkCodecTest {

    @Test
    void missMessageRoundTripsThroughWriterAndDecoder() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(512, 8);
            NetlinkWriter w = new NetlinkWriter(buf).begin(Rtnetlink.RTM_GETNEIGH, NetlinkSocket.NLM_F_REQUEST, 0)
                    .ndmsg(Libc.AF_INET, 7, Rtnetlink.NUD_PROBE, 0, Rtnetlink.RTN_UNICAST)
                    .attrBe32(Rtnetlink.NDA_DST, Ip4.parse("192.0.2.9"))
                    .attr(Rtnetlink.NDA_LLADDR, new byte[] {2, 0, 0x5e, 0, 0x53, 1})
                    .attrU32(Rtnetlink.NDA_PROBES, 3)
                    .end();
            NetlinkReader r = new NetlinkReader(buf).reset(w.length());
            assertThat(r.next()).isTrue();
            KernelMessage.Neighbor n = (KernelMessage.Neighbor) Rtnetlink.decode(r);
            assertThat(n.isMiss()).isTrue();
            assertThat(n.link()).isEqualTo(7);
            assertThat(n.address()).isEqualTo(Ip4.parse("192.0.2.9"));
            assertThat(n.state()).isEqualTo(Rtnetlink.NUD_PROBE);
            assertThat(Rtnetlink.mac(n.hardware())).isEqualTo("02:00:5e:00:53:01");
            assertThat(n.probes()).isEqualTo(3);
            assertThat(r.next()).isFalse();
        }
    }

    /** With {@code router}, RFC 4861 IsRouter as the kernel keeps it: NTF_ROUTER in ndm_flags, which REPLACE lets clear too. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void ipv6InstallRequestDecodesAsTheIpv6NeighbourItNames(boolean router) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(512, 8);
            byte[] mac = {2, 0, 0x5e, 0, 0x53, 1};
            NetlinkWriter w = Rtnetlink.writeInstall6(new NetlinkWriter(buf), 9, 7, Ip6.parse("2001:db8::9"), mac, 6, Rtnetlink.NUD_REACHABLE, router);
            NetlinkReader r = new NetlinkReader(buf).reset(w.length());
            assertThat(r.next()).isTrue();
            assertThat(r.flags() & NetlinkSocket.NLM_F_REPLACE).as("a different existing lladdr is replaced").isNotZero();
            KernelMessage.Neighbor6 n = (KernelMessage.Neighbor6) Rtnetlink.decode(r);
            assertThat(n.isMiss()).isFalse();
            assertThat(n.link()).isEqualTo(7);
            assertThat(n.address()).isEqualTo(Ip6Address.parse("2001:db8::9"));
            assertThat(n.state()).isEqualTo(Rtnetlink.NUD_REACHABLE);
            assertThat(n.hardware()).containsExactly(mac);
            assertThat(n.flags()).as("ndm_flags").isEqualTo(router ? Rtnetlink.NTF_ROUTER : 0);
            assertThat(r.next()).isFalse();
        }
    }

    @Test
    void truncatedOrLyingLengthsEndTheWalkInsteadOfReadingPastTheDatagram() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(512, 8);
            NetlinkWriter w = new NetlinkWriter(buf).begin(Rtnetlink.RTM_NEWADDR, 0, 0).ifaddrmsg(Libc.AF_INET, 24, 3)
                    .attrBe32(Rtnetlink.IFA_LOCAL, Ip4.parse("192.0.2.1")).end();
            // The datagram is shorter than the header says.
            NetlinkReader r = new NetlinkReader(buf).reset(w.length() - 4);
            assertThat(r.next()).isFalse();
            // An attribute whose length runs past the message is not read.
            buf.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 16 + 8, (short) 200);
            r.reset(w.length());
            assertThat(r.next()).isTrue();
            assertThat(Rtnetlink.decode(r)).isNull();
        }
    }

    @Test
    void extendedAckTextIsFoundAfterACappedError() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(512, 8);
            NetlinkWriter w = new NetlinkWriter(buf)
                    .begin(NetlinkReader.NLMSG_ERROR, NetlinkSocket.NLM_F_CAPPED | NetlinkSocket.NLM_F_ACK_TLVS, 5)
                    .u32(-Errno.EINVAL)
                    .u32(16).u16(Rtnetlink.RTM_NEWNEIGH).u16(0).u32(5).u32(0) // the request's header, capped
                    .attrString(NetlinkSocket.NLMSGERR_ATTR_MSG, "Invalid link address")
                    .end();
            NetlinkReader r = new NetlinkReader(buf).reset(w.length());
            assertThat(r.next()).isTrue();
            assertThat(NetlinkSocket.extendedAck(r)).isEqualTo("Invalid link address");
        }
    }

    @Test
    void errorMessagesNameTheCallTheErrnoAndTheRemedy() {
        NativeCallException e = new NativeCallException("socket(AF_PACKET, SOCK_RAW, ETH_P_ARP)", Errno.EPERM, null,
                NativeCallException.adviceFor(Errno.EPERM));
        assertThat(e.getMessage()).startsWith("socket(AF_PACKET, SOCK_RAW, ETH_P_ARP) failed: EPERM (1, Operation not permitted)")
                .contains("CAP_NET_RAW");
        assertThat(Errno.name(Errno.ENOBUFS)).isEqualTo("ENOBUFS");
        assertThat(Errno.name(4095)).isEqualTo("errno 4095");
    }
}
