package org.uarpd.wire.nd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;

/** The record codec against scapy-built vectors, the "not ND" answer, and the RFC 4861 §7.1 receive checks. */
class NdCodecTest {
    static final Ip6Address A1 = Ip6Address.parse("2001:db8::1");
    static final Ip6Address A2 = Ip6Address.parse("2001:db8::2");
    static final HardwareAddress MAC1 = HardwareAddress.parse("02:00:5e:00:00:01");
    static final HardwareAddress MAC2 = HardwareAddress.parse("02:00:5e:00:00:02");

    @Test
    void decodesScapysSolicitation() throws Exception {
        NdPacket p = NdCodec.decode(NdFixtures.solicitation()).orElseThrow();
        assertThat(p.type()).isEqualTo(IcmpV6Type.NEIGHBOR_SOLICITATION);
        assertThat(p.source()).isEqualTo(A1);
        assertThat(p.destination()).isEqualTo(A2.solicitedNode());
        assertThat(p.target()).isEqualTo(A2);
        assertThat(p.hopLimit()).isEqualTo(255);
        assertThat(p.sourceLinkLayer(6)).contains(MAC1);
        assertThat(p.targetLinkLayer(6)).isEmpty();
        assertThat(p.nonce()).isEmpty();
        assertThat(p.describe(6)).isEqualTo("ns who-has 2001:db8::2 tell 2001:db8::1, sll 02:00:5e:00:00:01");
        assertThat(NdCodec.checksum(p)).isEqualTo(0xbe26);
        assertThat(NdValidation.check(p)).isEmpty();
    }

    @Test
    void decodesScapysAdvertisement() throws Exception {
        NdPacket p = NdCodec.decode(NdFixtures.advertisement()).orElseThrow();
        assertThat(p.isAdvertisement()).isTrue();
        assertThat(p.router()).isFalse();
        assertThat(p.solicited()).isTrue();
        assertThat(p.override()).isTrue();
        assertThat(p.targetLinkLayer(6)).contains(MAC2);
        assertThat(p.describe(6)).isEqualTo("na 2001:db8::2 [SO], tll 02:00:5e:00:00:02");
    }

    @Test
    void factoriesEncodeToScapysBytes() {
        assertThat(NdCodec.encode(NdPacket.solicitation(A1, MAC1, A2))).isEqualTo(NdFixtures.solicitation());
        NdPacket ns = NdPacket.solicitation(A1, MAC1, A2);
        assertThat(NdCodec.encode(ns.advertisementFor(MAC2, false, true))).isEqualTo(
                NdCodec.encode(NdPacket.advertisement(A2, A1, false, true, true, A2, List.of(NdOption.targetLinkLayer(MAC2)))));
        assertThat(NdCodec.encode(NdPacket.advertisement(A2, A1, false, true, true, A2, List.of(NdOption.targetLinkLayer(MAC2)))))
                .isEqualTo(NdFixtures.advertisement());
    }

    @Test
    void aDadProbeIsAnsweredToAllNodesWithoutSolicited() throws Exception {
        byte[] nonce = HexFormat.of().parseHex("0102030405a6");
        NdPacket probe = NdPacket.dadProbe(A2, nonce);
        assertThat(probe.isDadProbe()).isTrue();
        assertThat(probe.destination()).isEqualTo(Ip6Address.parse("ff02::1:ff00:2"));
        NdPacket back = NdCodec.decode(NdCodec.encode(probe)).orElseThrow();
        assertThat(back).isEqualTo(probe);
        assertThat(back.nonce()).hasValueSatisfying(n -> assertThat(n).isEqualTo(nonce));
        assertThat(back.describe(6)).isEqualTo("ns dad 2001:db8::2, nonce 0102030405a6");
        NdPacket na = probe.advertisementFor(MAC2, true, true);
        assertThat(na.destination()).isEqualTo(Ip6Address.ALL_NODES);
        assertThat(na.source()).isEqualTo(A2);
        assertThat(na.router()).isTrue();
        assertThat(na.solicited()).isFalse();
        assertThat(NdValidation.check(na)).isEmpty();
    }

    @Test
    void otherIpv6IsNotNdRatherThanMalformed() throws Exception {
        byte[] ns = NdFixtures.solicitation();
        byte[] tcp = ns.clone();
        tcp[6] = 6;
        assertThat(NdCodec.decode(tcp)).isEmpty();
        byte[] hopByHop = ns.clone();
        hopByHop[6] = 0; // an extension header before the ICMPv6 message
        assertThat(NdCodec.decode(hopByHop)).isEmpty();
        byte[] echo = ns.clone();
        echo[40] = (byte) 128;
        assertThat(NdCodec.decode(echo)).isEmpty();
        byte[] routerSolicitation = ns.clone();
        routerSolicitation[40] = (byte) 133;
        assertThat(NdCodec.decode(routerSolicitation)).isEmpty();
        assertThat(new NdView().reset(echo, 0, echo.length)).isFalse();
    }

    @Test
    void unknownOptionsAreKeptAndSkipped() throws Exception {
        NdOption unknown = NdOption.of(200, new byte[14]);
        NdPacket p = NdPacket.solicitation(A1, A2.solicitedNode(), A2, List.of(unknown, NdOption.sourceLinkLayer(MAC1)));
        NdPacket back = NdCodec.decode(NdCodec.encode(p)).orElseThrow();
        assertThat(back.options()).containsExactly(unknown, NdOption.sourceLinkLayer(MAC1));
        assertThat(back.options().get(0).type().isKnown()).isFalse();
        assertThat(back.options().get(0).units()).isEqualTo(2);
        assertThat(back.sourceLinkLayer(6)).contains(MAC1);
    }

    @Test
    void trailingLinkPaddingIsIgnored() throws Exception {
        byte[] padded = java.util.Arrays.copyOf(NdFixtures.solicitation(), 100);
        padded[90] = 0x55;
        assertThat(NdCodec.decode(padded)).contains(NdCodec.decode(NdFixtures.solicitation()).orElseThrow());
    }

    @Test
    void linkLayerOptionsOfAnyLengthArePadded() {
        assertThat(NdOption.sourceLinkLayer(HardwareAddress.of((byte) 7)).units()).isEqualTo(1);
        assertThat(NdOption.sourceLinkLayer(MAC1).units()).isEqualTo(1);
        assertThat(NdOption.targetLinkLayer(HardwareAddress.of(new byte[7])).units()).isEqualTo(2);
        assertThat(NdOption.targetLinkLayer(HardwareAddress.of(new byte[20])).units()).isEqualTo(3);
        assertThat(NdOption.targetLinkLayer(HardwareAddress.of(new byte[20])).linkLayerAddress(20)).isEqualTo(HardwareAddress.of(new byte[20]));
        assertThatThrownBy(() -> NdOption.nonce(new byte[5])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NdOption.nonce(new byte[8])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NdOption.of(1, new byte[7])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void receiveChecksOfRfc4861Section7_1() {
        NdPacket ns = NdPacket.solicitation(A1, MAC1, A2);
        assertThat(NdValidation.check(withHopLimit(ns, 64))).containsExactly(NdViolation.HOP_LIMIT_NOT_255);
        assertThat(NdValidation.check(new NdPacket(0, 0, 255, A1, A2.solicitedNode(), ns.type(), 1, 0, A2, ns.options())))
                .containsExactly(NdViolation.CODE_NOT_ZERO);
        assertThat(NdValidation.check(NdPacket.solicitation(A1, A2.solicitedNode(), Ip6Address.parse("ff02::1"), List.of())))
                .containsExactly(NdViolation.TARGET_MULTICAST);
        assertThat(NdValidation.check(NdPacket.solicitation(Ip6Address.UNSPECIFIED, A2, A2, List.of())))
                .containsExactly(NdViolation.DAD_NOT_TO_SOLICITED_NODE);
        assertThat(NdValidation.check(NdPacket.solicitation(Ip6Address.UNSPECIFIED, A2.solicitedNode(), A2,
                List.of(NdOption.sourceLinkLayer(MAC1))))).containsExactly(NdViolation.DAD_WITH_SOURCE_LINK_LAYER);
        assertThat(NdValidation.check(NdPacket.advertisement(A2, Ip6Address.ALL_NODES, false, true, true, A2, List.of())))
                .containsExactly(NdViolation.SOLICITED_TO_MULTICAST);
        assertThat(NdValidation.check(NdPacket.advertisement(A2, Ip6Address.ALL_NODES, false, false, true, A2, List.of()))).isEmpty();
        assertThat(NdValidation.check(NdPacket.advertisement(A2, A1, false, true, true, A2, List.of()))).isEmpty();
        assertThat(NdValidation.check(NdPacket.solicitation(A1, A2, A2, List.of()))).as("unicast NS (RFC 4861 §7.2.2 reachability)").isEmpty();
    }

    @Test
    void viewAndValueAgreeOnTheFirstViolation() throws Exception {
        byte[] b = NdCodec.encode(withHopLimit(NdPacket.solicitation(Ip6Address.UNSPECIFIED, A2, Ip6Address.parse("ff02::1"),
                List.of(NdOption.sourceLinkLayer(MAC1))), 1));
        NdView v = new NdView();
        assertThat(v.reset(b, 0, b.length)).isTrue();
        assertThat(NdValidation.firstViolation(v)).isEqualTo(NdViolation.HOP_LIMIT_NOT_255);
        assertThat(NdValidation.check(v)).containsExactly(NdViolation.HOP_LIMIT_NOT_255, NdViolation.TARGET_MULTICAST,
                NdViolation.DAD_NOT_TO_SOLICITED_NODE, NdViolation.DAD_WITH_SOURCE_LINK_LAYER);
        byte[] ok = NdFixtures.solicitation();
        assertThat(v.reset(ok, 0, ok.length)).isTrue();
        assertThat(NdValidation.firstViolation(v)).isNull();
    }

    @Test
    void valuesRejectWhatTheWireCannotCarry() {
        NdPacket ns = NdPacket.solicitation(A1, MAC1, A2);
        assertThatThrownBy(() -> new NdPacket(0, 0, 256, A1, A2, ns.type(), 0, 0, A2, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NdPacket(0, 1 << 20, 255, A1, A2, ns.type(), 0, 0, A2, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NdPacket(0, 0, 255, A1, A2, IcmpV6Type.ECHO_REQUEST, 0, 0, A2, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NdPacket.advertisement(A2, A1, false, true, true, A2, List.of()).advertisementFor(MAC1, false, false))
                .isInstanceOf(IllegalStateException.class);
        assertThat(IcmpV6Type.valueOf(250).toString()).isEqualTo("icmp6#250");
        assertThat(NdOptionType.valueOf(99).toString()).isEqualTo("opt#99");
        assertThat(IcmpV6Type.valueOf(135)).isSameAs(IcmpV6Type.NEIGHBOR_SOLICITATION);
    }

    static NdPacket withHopLimit(NdPacket p, int hopLimit) {
        return new NdPacket(p.trafficClass(), p.flowLabel(), hopLimit, p.source(), p.destination(), p.type(), p.code(), p.flags(),
                p.target(), p.options());
    }
}
