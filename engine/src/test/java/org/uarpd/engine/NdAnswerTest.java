package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.Harness.LINK;
import static org.uarpd.engine.Harness.OUR_HW;
import static org.uarpd.engine.NdHarness.OUR6;
import static org.uarpd.engine.NdHarness.PEER6;
import static org.uarpd.engine.NdHarness.PEER_HW;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.nd.NdPacket;

/** Answering neighbour solicitations (RFC 4861 §7.2.3, §7.2.4, §7.2.8) and learning from them. */
class NdAnswerTest {
    static final HardwareAddress PROXY_HW = HardwareAddress.parse("02:00:00:00:00:0a");

    @Test
    void ipv6ThatIsNoNeighbourDiscoveryIsDroppedAsSuch() {
        NdHarness t = new NdHarness();
        byte[] ip6 = new byte[48]; // an IPv6 header and an 8-byte UDP datagram, hop limit 64
        ip6[0] = 0x60;
        ip6[5] = 8;
        ip6[6] = 17;
        ip6[7] = 64;
        System.arraycopy(NdHarness.frame(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, OUR6)), 22, ip6, 8, 32); // its addresses
        byte[] frame = org.uarpd.wire.link.Ethernet.INSTANCE.encode(OUR_HW, PEER_HW, org.uarpd.wire.EtherType.IPV6, ip6);
        assertThat(Harness.events(t.h.frameOn(LINK, frame))).extracting(EngineEvent::kind, EngineEvent::reason)
                .containsExactly(org.assertj.core.api.Assertions.tuple(Kind.DROPPED, Reason.NOT_ND));
    }

    @Test
    void aSolicitationForOurAddressIsAnsweredSolicitedOverrideToTheSolicitor() {
        NdHarness t = new NdHarness();
        List<Action> out = t.receive(OUR6.solicitedNode().multicastMac(), PEER_HW, NdHarness.ns(PEER6, PEER_HW, OUR6));
        List<NdHarness.SentNd> na = NdHarness.advertisements(out);
        assertThat(na).hasSize(1);
        NdPacket p = na.getFirst().packet();
        assertThat(p.source()).isEqualTo(OUR6);
        assertThat(p.destination()).isEqualTo(PEER6);
        assertThat(p.target()).isEqualTo(OUR6);
        assertThat(p.solicited()).isTrue();
        assertThat(p.override()).isTrue();
        assertThat(p.router()).isFalse();
        assertThat(p.targetLinkLayer(6)).contains(OUR_HW);
        assertThat(na.getFirst().frame().destination()).isEqualTo(PEER_HW);
        assertThat(na.getFirst().frame().source()).isEqualTo(OUR_HW);
        assertThat(Harness.events(out)).anyMatch(e -> e.kind() == Kind.ANSWERED && e.reason() == Reason.OWN_ADDRESS && OUR6.equals(e.address6()));
        // RFC 4861 §7.2.3: the solicitor is learnt, STALE, and (authoritative) installed.
        assertThat(t.state(PEER6)).isEqualTo(NeighborState.STALE);
        assertThat(Harness.only(out, Action.InstallNeighbor6.class))
                .containsExactly(new Action.InstallNeighbor6(LINK, PEER6, PEER_HW, NeighborState.STALE));
    }

    @Test
    void aUnicastSolicitationIsAnsweredUnicast() {
        NdHarness t = new NdHarness();
        NdPacket unicast = NdPacket.solicitation(PEER6, OUR6, OUR6, List.of(org.uarpd.wire.nd.NdOption.sourceLinkLayer(PEER_HW)));
        List<NdHarness.SentNd> na = NdHarness.advertisements(t.receive(OUR_HW, PEER_HW, unicast));
        assertThat(na).hasSize(1);
        assertThat(na.getFirst().packet().destination()).isEqualTo(PEER6);
        assertThat(na.getFirst().packet().solicited()).isTrue();
        assertThat(na.getFirst().frame().destination()).isEqualTo(PEER_HW);
    }

    @Test
    void aUnicastSolicitationWithoutLinkLayerOptionIsAnsweredToTheFrameSource() {
        NdHarness t = new NdHarness();
        NdPacket bare = NdPacket.solicitation(PEER6, OUR6, OUR6, List.of());
        List<NdHarness.SentNd> na = NdHarness.advertisements(t.receive(OUR_HW, PEER_HW, bare));
        assertThat(na).hasSize(1);
        assertThat(na.getFirst().frame().destination()).isEqualTo(PEER_HW);
        assertThat(t.state(PEER6)).isNull(); // nothing to learn without the option
    }

    @Test
    void aDadProbeForOurAddressIsAnsweredToAllNodesUnsolicited() {
        NdHarness t = new NdHarness();
        List<Action> out = t.receive(OUR6.solicitedNode().multicastMac(), PEER_HW, NdPacket.dadProbe(OUR6, new byte[] {1, 2, 3, 4, 5, 6}));
        List<NdHarness.SentNd> na = NdHarness.advertisements(out);
        assertThat(na).hasSize(1);
        NdPacket p = na.getFirst().packet();
        assertThat(p.destination()).isEqualTo(Ip6Address.ALL_NODES);
        assertThat(p.solicited()).isFalse();
        assertThat(p.override()).isTrue();
        assertThat(na.getFirst().frame().destination()).isEqualTo(HardwareAddress.parse("33:33:00:00:00:01"));
        assertThat(t.engine().size6()).isZero();
    }

    @Test
    void theRouterFlagFollowsTheLinkPolicy() {
        NdHarness t = new NdHarness(NdLinkPolicy.defaults().withDad(false, 1, false).withRouter(true));
        List<NdHarness.SentNd> na = NdHarness.advertisements(t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, OUR6)));
        assertThat(na.getFirst().packet().router()).isTrue();
    }

    @Test
    void aPublishedPrefixIsAnsweredWithoutOverrideExceptItsExclusions() {
        NdPublished routed = NdPublished.of(Cidr6.parse("2001:db8:2::/64"), Cidr6.parse("2001:db8:2::/120")).withHardware(PROXY_HW);
        NdHarness t = new NdHarness(NdLinkPolicy.defaults().withDad(false, 1, false).withPublished(List.of(routed)));
        Ip6Address inside = NdHarness.ip6("2001:db8:2::1:5");
        List<Action> out = t.receive(inside.solicitedNode().multicastMac(), PEER_HW, NdHarness.ns(PEER6, PEER_HW, inside));
        List<NdHarness.SentNd> na = NdHarness.advertisements(out);
        assertThat(na).hasSize(1);
        assertThat(na.getFirst().packet().override()).isFalse();
        assertThat(na.getFirst().packet().solicited()).isTrue();
        assertThat(na.getFirst().packet().targetLinkLayer(6)).contains(PROXY_HW);
        assertThat(na.getFirst().packet().source()).isEqualTo(inside);
        assertThat(Harness.events(out)).anyMatch(e -> e.reason() == Reason.PUBLISHED);

        Ip6Address excluded = NdHarness.ip6("2001:db8:2::7");
        List<Action> none = t.receive(excluded.solicitedNode().multicastMac(), PEER_HW, NdHarness.ns(PEER6, PEER_HW, excluded));
        assertThat(NdHarness.advertisements(none)).isEmpty();
        assertThat(Harness.events(none)).anyMatch(e -> e.reason() == Reason.NOT_FOR_US);
    }

    @Test
    void aDadProbeForAPublishedAddressIsAnsweredToAllNodes() {
        NdHarness t = new NdHarness();
        Ip6Address pub = NdHarness.ip6("2001:db8:3::1");
        t.input(new Input.Command(new OperatorCommand.Publish6(0, NdPublished.of(Cidr6.parse("2001:db8:3::1")))));
        List<NdHarness.SentNd> na = NdHarness.advertisements(t.receive(pub.solicitedNode().multicastMac(), PEER_HW,
                NdPacket.dadProbe(pub, null)));
        assertThat(na).hasSize(1);
        assertThat(na.getFirst().packet().destination()).isEqualTo(Ip6Address.ALL_NODES);
        assertThat(na.getFirst().packet().solicited()).isFalse();
        assertThat(na.getFirst().packet().targetLinkLayer(6)).contains(OUR_HW);
        t.input(new Input.Command(new OperatorCommand.Unpublish6(0, NdPublished.of(Cidr6.parse("2001:db8:3::1")))));
        assertThat(NdHarness.advertisements(t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, pub)))).isEmpty();
    }

    @Test
    void onAnAssistLinkTheKernelAnswersForOurAddressesButPublishedOnesAreOurs() {
        LinkPolicy assist = LinkPolicy.assist();
        NdPublished pub = NdPublished.of(Cidr6.parse("2001:db8:1::100/128"));
        NdHarness t = new NdHarness(EngineConfig.defaults().withDefaultLink(assist),
                NdLinkPolicy.defaults().withDad(false, 1, false).withPublished(List.of(pub)));
        List<Action> own = t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, OUR6));
        assertThat(NdHarness.advertisements(own)).isEmpty();
        assertThat(Harness.events(own)).anyMatch(e -> e.reason() == Reason.KERNEL_ANSWERS);
        assertThat(Harness.only(own, Action.InstallNeighbor6.class)).isEmpty(); // learnt, not installed
        assertThat(t.state(PEER6)).isEqualTo(NeighborState.STALE);
        Ip6Address p = NdHarness.ip6("2001:db8:1::100");
        assertThat(NdHarness.advertisements(t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, p)))).hasSize(1);
    }

    @Test
    void anInvalidSolicitationIsDroppedAndCounted() {
        NdHarness t = new NdHarness();
        NdPacket ok = NdHarness.ns(PEER6, PEER_HW, OUR6);
        NdPacket offLink = new NdPacket(0, 0, 64, ok.source(), ok.destination(), ok.type(), 0, 0, ok.target(), ok.options());
        List<Action> out = t.receive(OUR_HW, PEER_HW, offLink);
        assertThat(NdHarness.sentNd(out)).isEmpty();
        assertThat(Harness.events(out)).anyMatch(e -> e.kind() == Kind.DROPPED && e.reason() == Reason.MALFORMED
                && e.detail().contains("hop limit"));
        assertThat(t.engine().count(Reason.MALFORMED)).isEqualTo(1);
        assertThat(t.state(PEER6)).isNull();
        byte[] truncated = java.util.Arrays.copyOf(NdHarness.frame(OUR_HW, PEER_HW, ok), 40);
        // read too little to have a target: the report names :: so it still counts as IPv6's
        assertThat(Harness.events(t.h.frame(truncated))).anyMatch(e -> e.kind() == Kind.DROPPED && e.reason() == Reason.MALFORMED
                && Ip6Address.UNSPECIFIED.equals(e.address6()));
    }

    @Test
    void ourOwnEchoIsIgnored() {
        NdHarness t = new NdHarness();
        List<Action> out = t.receive(PEER_HW, OUR_HW, NdHarness.ns(OUR6, OUR_HW, PEER6));
        assertThat(Harness.events(out)).anyMatch(e -> e.reason() == Reason.OWN_FRAME);
        assertThat(NdHarness.sentNd(out)).isEmpty();
    }

    @Test
    void theGuardRefusesASolicitationWhoseLinkSourceIsNotItsOption() {
        EngineConfig c = EngineConfig.defaults().withDefaultLink(LinkPolicy.authoritative()
                .withGuard(GuardPolicy.off().withSenderConsistency(true)));
        NdHarness t = new NdHarness(c, NdLinkPolicy.defaults().withDad(false, 1, false));
        List<Action> out = t.receive(OUR_HW, NdHarness.OTHER_HW, NdHarness.ns(PEER6, PEER_HW, OUR6));
        assertThat(NdHarness.sentNd(out)).isEmpty();
        assertThat(Harness.events(out)).anyMatch(e -> e.kind() == Kind.ALERT && e.reason() == Reason.SENDER_MISMATCH);
        assertThat(t.state(PEER6)).isNull();
    }

    @Test
    void pinnedBindingsAreStaticAndNeverChangeFromTheWire() {
        NdHarness t = new NdHarness(NdLinkPolicy.defaults().withDad(false, 1, false).withPinned(Map.of(PEER6, PEER_HW)));
        assertThat(t.state(PEER6)).isEqualTo(NeighborState.STATIC);
        t.receive(OUR_HW, NdHarness.OTHER_HW, NdHarness.ns(PEER6, NdHarness.OTHER_HW, OUR6));
        t.answer(PEER6, NdHarness.OTHER_HW);
        assertThat(t.hardware(PEER6)).isEqualTo(PEER_HW);
    }

    @Test
    void arpStillWorksBesideNd() {
        NdHarness t = new NdHarness();
        List<Action> out = t.h.frame(Harness.request(PEER_HW, Harness.ip("192.0.2.2"), Harness.OUR_IP));
        assertThat(Harness.transmitted(out)).hasSize(1);
        assertThat(t.engine().size()).isEqualTo(1);
        assertThat(t.engine().size6()).isZero();
    }
}
