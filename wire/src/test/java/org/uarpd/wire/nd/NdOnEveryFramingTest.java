package org.uarpd.wire.nd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.link.LinkTypes;
import org.uarpd.wire.link.LinuxCooked;

/**
 * An NS and an NA framed as EtherType 0x86DD by every link type uarpd speaks (Ethernet II, Linux
 * cooked, and RFC 1042 SNAP, RFC 1201 ARCnet protocol 0xC4, IPoIB and ATM LLC/SNAP) come back out of
 * the framing and the ND codec unchanged, with link-layer options as long as the link's addresses.
 */
class NdOnEveryFramingTest {
    static List<LinkType> links() {
        return java.util.stream.Stream.concat(LinkTypes.all().stream(), java.util.stream.Stream.of(LinuxCooked.INSTANCE)).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("links")
    void neighbourMessagesSurviveTheFraming(LinkType link) throws Exception {
        int n = link.addressLength();
        byte[] ours = new byte[n];
        for (int i = 0; i < n; i++) ours[i] = (byte) (0x10 + i);
        HardwareAddress station = HardwareAddress.of(ours);
        Ip6Address a = Ip6Address.parse("2001:db8::1");
        Ip6Address b = Ip6Address.parse("2001:db8::2");
        NdPacket ns = NdPacket.solicitation(a, station, b);
        for (NdPacket p : List.of(ns, ns.advertisementFor(station, false, true))) {
            byte[] frame = link.encode(link.broadcast(), station, EtherType.IPV6, NdCodec.encode(p));
            Frame f = link.decode(frame, 0, frame.length);
            assertThat(f.protocol()).as("%s protocol", link.name()).isEqualTo(EtherType.IPV6);
            NdPacket back = NdCodec.decode(f.buffer(), f.payloadOffset(), f.payloadLength()).orElseThrow();
            assertThat(back).as(link.name()).isEqualTo(p);
            assertThat(p.isSolicitation() ? back.sourceLinkLayer(n) : back.targetLinkLayer(n)).contains(station);
        }
    }
}
