package org.uarpd.wire.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.uarpd.wire.Frame;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.MalformedFrameException;

/** LLC frames that carry no EtherType are other traffic, not malformed: their payload starts at the LLC header. */
class OtherLlcFramesTest {
    static Stream<Arguments> frames() {
        String macs = "0180c2000000 02005e100001";
        return Stream.of(
                // IEEE 802.1D spanning tree BPDU: SAP 0x42, seen on every switched Ethernet.
                Arguments.of("STP on 802.3", Ethernet.INSTANCE, macs + "0008 424203 0000000000", 14),
                // Cisco Discovery Protocol: SNAP with OUI 00-00-0C.
                Arguments.of("CDP on 802.3", Ethernet.INSTANCE, "01000ccccccc 02005e100001 000a aaaa03 00000c 2000 0102", 14),
                Arguments.of("NetBIOS on Token Ring", TokenRing.INSTANCE, "1040 ffffffffffff 02005e100001 f0f003 aabb", 14),
                Arguments.of("SMT-ish LLC on FDDI", Fddi.INSTANCE, "50 ffffffffffff 02005e100001 e0e003 ff", 13),
                // RFC 2684 §5.1 routed ISO PDU: LLC 0xFE 0xFE 0x03 then NLPID.
                Arguments.of("802.2 STP in a cooked capture", LinuxCooked.INSTANCE, "0001 0001 0006 02005e1000010000 0004 424203 00", 16),
                Arguments.of("Linux pseudo-protocol ETH_P_802_3 in a cooked capture", LinuxCooked.INSTANCE, "0000 0001 0006 02005e1000010000 0001 ffff", 16),
                Arguments.of("NLPID on ATM", AtmLlcSnap.INSTANCE, "fefe03 81 01020304", 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frames")
    void areOtherTrafficWithTheLlcHeaderAsPayload(String name, LinkType link, String hex, int llcAt) throws MalformedFrameException {
        byte[] frame = HexFormat.of().parseHex(hex.replace(" ", ""));
        Frame f = link.decode(frame, 0, frame.length);
        assertThat(f.protocol()).isEqualTo(LlcSnap.NOT_ETHERTYPE);
        assertThat(f.payloadOffset()).isEqualTo(llcAt);
        assertThat(f.payloadOffset() + f.payloadLength()).isLessThanOrEqualTo(frame.length);
    }
}
