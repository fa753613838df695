package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.Harness.LINK;
import static org.uarpd.engine.Harness.OUR_HW;
import static org.uarpd.engine.Harness.S;
import static org.uarpd.engine.NdHarness.OTHER_HW;
import static org.uarpd.engine.NdHarness.OUR6;
import static org.uarpd.engine.NdHarness.PEER6;
import static org.uarpd.engine.NdHarness.PEER_HW;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.nd.NdOptionType;
import org.uarpd.wire.nd.NdPacket;

/** Duplicate address detection (RFC 4862 §5.4) with Enhanced DAD's nonce (RFC 7527), and defence of our addresses. */
class NdDadTest {
    static final Ip6Address NEW6 = NdHarness.ip6("2001:db8:1::10");

    private static NdHarness withDad(int transmits, boolean remove) {
        NdHarness t = new NdHarness();
        t.input(new Input.Command(new OperatorCommand.ReconfigureNd(NdConfig.defaults()
                .withDefaultLink(NdLinkPolicy.defaults().withDad(true, transmits, remove)))));
        t.h.actions.clear();
        return t;
    }

    private static byte[] nonceOf(NdPacket p) {
        return p.nonce().orElseThrow();
    }

    @Test
    void anAddedAddressIsProbedFromTheUnspecifiedAddressWithANonceThenClaimed() {
        NdHarness t = withDad(1, false);
        List<Action> out = t.input(new Input.AddressAdded6(LINK, NEW6, 64));
        List<NdHarness.SentNd> ns = NdHarness.solicitations(out);
        assertThat(ns).hasSize(1);
        NdPacket p = ns.getFirst().packet();
        assertThat(p.source()).isEqualTo(Ip6Address.UNSPECIFIED);
        assertThat(p.destination()).isEqualTo(NEW6.solicitedNode());
        assertThat(p.target()).isEqualTo(NEW6);
        assertThat(p.option(NdOptionType.SOURCE_LINK_LAYER)).isEmpty();
        assertThat(nonceOf(p)).hasSize(6);
        assertThat(Harness.events(out)).anyMatch(e -> e.kind() == Kind.CLAIMED && e.reason() == Reason.PROBING && NEW6.equals(e.address6()));
        // Tentative: not answered for.
        assertThat(NdHarness.advertisements(t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, NEW6)))).isEmpty();
        assertThat(Harness.events(t.advance(S - 1_000_000L))).noneMatch(e -> e.reason() == Reason.CLAIMED);
        assertThat(Harness.events(t.advance(1_000_000L))).anyMatch(e -> e.kind() == Kind.CLAIMED && e.reason() == Reason.CLAIMED);
        assertThat(NdHarness.advertisements(t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, NEW6)))).hasSize(1);
    }

    @Test
    void anAddressTheHostAlreadyHeldAsValidIsAnsweredForAtOnceWithoutADadRun() {
        NdHarness t = withDad(1, false);
        List<Action> out = t.input(new Input.AddressAdded6(LINK, NEW6, 64, true));
        assertThat(NdHarness.sentNd(out)).isEmpty();
        assertThat(Harness.events(out)).noneMatch(e -> e.reason() == Reason.PROBING)
                .anyMatch(e -> e.kind() == Kind.CLAIMED && e.reason() == Reason.CLAIMED && NEW6.equals(e.address6()));
        assertThat(NdHarness.advertisements(t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, NEW6)))).hasSize(1);
        // The link going down and up again still re-checks it (RFC 4862 §5.4).
        t.input(new Input.LinkChanged(LINK, "eth0", org.uarpd.wire.link.Ethernet.INSTANCE, OUR_HW, false));
        List<Action> up = t.input(new Input.LinkChanged(LINK, "eth0", org.uarpd.wire.link.Ethernet.INSTANCE, OUR_HW, true));
        assertThat(NdHarness.solicitations(up)).anySatisfy(q -> assertThat(q.packet().target()).isEqualTo(NEW6));
    }

    @Test
    void dupAddrDetectTransmitsProbesOneRetransTimerApart() {
        NdHarness t = withDad(3, false);
        assertThat(NdHarness.solicitations(t.input(new Input.AddressAdded6(LINK, NEW6, 64)))).hasSize(1);
        assertThat(NdHarness.solicitations(t.advance(S))).hasSize(1);
        assertThat(NdHarness.solicitations(t.advance(S))).hasSize(1);
        List<Action> end = t.advance(S);
        assertThat(NdHarness.solicitations(end)).isEmpty();
        assertThat(Harness.events(end)).anyMatch(e -> e.reason() == Reason.CLAIMED);
    }

    @Test
    void ourOwnProbeLoopedBackIsNotAConflictEvenFromAnotherStation() {
        NdHarness t = withDad(1, true);
        NdPacket ours = NdHarness.solicitations(t.input(new Input.AddressAdded6(LINK, NEW6, 64))).getFirst().packet();
        List<Action> back = t.receive(NEW6.solicitedNode().multicastMac(), OTHER_HW, ours);
        assertThat(Harness.events(back)).noneMatch(e -> e.kind() == Kind.CONFLICT);
        assertThat(Harness.events(back)).anyMatch(e -> e.reason() == Reason.OWN_FRAME);
        assertThat(Harness.events(t.advance(S))).anyMatch(e -> e.reason() == Reason.CLAIMED);
    }

    @Test
    void anotherHostsProbeForOurTentativeAddressIsADuplicateAndRemovesIt() {
        NdHarness t = withDad(1, true);
        t.input(new Input.AddressAdded6(LINK, NEW6, 64));
        List<Action> out = t.receive(NEW6.solicitedNode().multicastMac(), PEER_HW, NdPacket.dadProbe(NEW6, new byte[] {9, 9, 9, 9, 9, 9}));
        assertThat(Harness.events(out)).anyMatch(e -> e.kind() == Kind.CONFLICT && e.reason() == Reason.PROBE_CONFLICT
                && NEW6.equals(e.address6()) && PEER_HW.equals(e.hardware()));
        assertThat(Harness.only(out, Action.RemoveAddress6.class)).containsExactly(new Action.RemoveAddress6(LINK, NEW6, 64));
        assertThat(NdHarness.advertisements(out)).isEmpty();
        assertThat(Harness.events(t.advance(2 * S))).noneMatch(e -> e.reason() == Reason.CLAIMED);
    }

    @Test
    void onAnAuthoritativeLinkADuplicateOfOurTentativeAddressIsRemovedWhateverThePolicy() {
        // The kernel hears no NA there, so its own DAD cannot fail: uarpd deletes the address instead.
        NdHarness t = withDad(1, false);
        t.input(new Input.AddressAdded6(LINK, NEW6, 64));
        List<Action> out = t.unsolicited(NEW6, PEER_HW, true);
        assertThat(Harness.events(out)).anyMatch(e -> e.kind() == Kind.CONFLICT && e.reason() == Reason.PROBE_CONFLICT);
        assertThat(Harness.only(out, Action.RemoveAddress6.class)).containsExactly(new Action.RemoveAddress6(LINK, NEW6, 64));
        assertThat(Harness.events(out)).anyMatch(e -> e.kind() == Kind.REMOVED && e.reason() == Reason.ADDRESS_CONFLICT
                && NEW6.equals(e.address6()) && e.detail().contains("RFC 4862"));
    }

    @Test
    void anAdvertisementForOurTentativeAddressIsADuplicateReportedOnlyWhenThePolicySaysSo() {
        // Where the kernel keeps its own ND (assist), its DAD decides; uarpd only reports.
        NdHarness t = new NdHarness(EngineConfig.defaults().withDefaultLink(LinkPolicy.assist()), NdLinkPolicy.defaults().withDad(true, 1, false));
        t.input(new Input.AddressAdded6(LINK, NEW6, 64));
        List<Action> out = t.unsolicited(NEW6, PEER_HW, true);
        assertThat(Harness.events(out)).anyMatch(e -> e.kind() == Kind.CONFLICT && e.reason() == Reason.PROBE_CONFLICT);
        assertThat(Harness.only(out, Action.RemoveAddress6.class)).isEmpty();
        // Kept, but never answered for.
        assertThat(NdHarness.advertisements(t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, NEW6)))).isEmpty();
    }

    @Test
    void aPeersDadProbeForOurAddressIsAnsweredSoItsDadFails() {
        NdHarness t = withDad(1, false);
        t.input(new Input.AddressAdded6(LINK, NEW6, 64));
        t.advance(S);
        List<NdHarness.SentNd> na = NdHarness.advertisements(t.receive(NEW6.solicitedNode().multicastMac(), PEER_HW,
                NdPacket.dadProbe(NEW6, new byte[] {1, 1, 1, 1, 1, 1})));
        assertThat(na).hasSize(1);
        assertThat(na.getFirst().packet().destination()).isEqualTo(Ip6Address.ALL_NODES);
        assertThat(na.getFirst().packet().solicited()).isFalse();
    }

    @Test
    void aPeerClaimingOurAddressByAnAdvertisementIsReportedWithBothLinkAddresses() {
        NdHarness t = new NdHarness();
        List<Action> out = t.unsolicited(OUR6, PEER_HW, true);
        assertThat(Harness.events(out)).anyMatch(e -> e.kind() == Kind.CONFLICT && e.reason() == Reason.ADDRESS_CONFLICT
                && OUR6.equals(e.address6()) && PEER_HW.equals(e.hardware()) && e.detail().contains(OUR_HW.toString()));
        assertThat(t.state(OUR6)).isNull();
    }

    @Test
    void announcingLinksAdvertiseANewAddressToAllNodes() {
        EngineConfig c = EngineConfig.defaults().withDefaultLink(LinkPolicy.authoritative().withAnnounce(true));
        NdHarness t = new NdHarness(c, NdLinkPolicy.defaults().withDad(false, 1, false));
        List<NdHarness.SentNd> na = NdHarness.advertisements(t.input(new Input.AddressAdded6(LINK, NEW6, 64)));
        assertThat(na).hasSize(1);
        assertThat(na.getFirst().packet().destination()).isEqualTo(Ip6Address.ALL_NODES);
        assertThat(na.getFirst().packet().override()).isTrue();
        assertThat(na.getFirst().packet().solicited()).isFalse();
    }

    @Test
    void aRemovedAddressStopsBeingAnsweredAndItsNeighboursOffLinkGo() {
        NdHarness t = new NdHarness();
        t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, OUR6));
        assertThat(t.state(PEER6)).isNotNull();
        t.input(new Input.AddressRemoved6(LINK, OUR6, 64));
        assertThat(t.state(PEER6)).isNull();
        assertThat(NdHarness.advertisements(t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, OUR6)))).isEmpty();
    }

    @Test
    void dadWaitsForTheLinkAndRunsAgainWhenItComesBackUp() {
        NdHarness t = withDad(1, false);
        t.input(new Input.LinkChanged(LINK, "eth0", org.uarpd.wire.link.Ethernet.INSTANCE, OUR_HW, false));
        assertThat(NdHarness.solicitations(t.input(new Input.AddressAdded6(LINK, NEW6, 64)))).isEmpty();
        List<Action> up = t.input(new Input.LinkChanged(LINK, "eth0", org.uarpd.wire.link.Ethernet.INSTANCE, OUR_HW, true));
        assertThat(NdHarness.solicitations(up)).extracting(s -> s.packet().target()).contains(NEW6);
        assertThat(NdHarness.advertisements(t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, NEW6)))).isEmpty();
        t.advance(S);
        assertThat(NdHarness.advertisements(t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, NEW6)))).hasSize(1);
    }

    @Test
    void linkLocalNeighboursStayWhenAnAddressGoes() {
        NdHarness t = new NdHarness();
        Ip6Address router = NdHarness.ip6("fe80::1");
        t.receive(OUR_HW, PEER_HW, NdHarness.ns(router, PEER_HW, OUR6));
        t.input(new Input.AddressAdded6(LINK, NEW6, 64));
        t.input(new Input.AddressRemoved6(LINK, NEW6, 64));
        assertThat(t.state(router)).isEqualTo(NeighborState.STALE);
    }

    @Test
    void aDuplicateStaysLostWhenTheKernelReportsItAgainBeforeDeletingIt() {
        NdHarness t = withDad(1, true);
        t.input(new Input.AddressAdded6(LINK, NEW6, 64));
        List<Action> out = t.receive(NEW6.solicitedNode().multicastMac(), PEER_HW, NdPacket.dadProbe(NEW6, new byte[] {9, 9, 9, 9, 9, 9}));
        assertThat(Harness.only(out, Action.RemoveAddress6.class)).containsExactly(new Action.RemoveAddress6(LINK, NEW6, 64));
        // RFC 4862 §5.4.3: the address is a duplicate. A report of it still held (a re-dump, a lifetime
        // change) is not a new address: no second DAD, no claim, never answered for.
        List<Action> again = t.input(new Input.AddressAdded6(LINK, NEW6, 64));
        again.addAll(t.advance(3 * S));
        assertThat(NdHarness.solicitations(again)).isEmpty();
        assertThat(Harness.events(again)).noneMatch(e -> e.kind() == Kind.CLAIMED);
        assertThat(NdHarness.advertisements(t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, NEW6)))).isEmpty();
        // Once the host has dropped it, giving it back is a new address, checked again.
        t.input(new Input.AddressRemoved6(LINK, NEW6, 64));
        assertThat(NdHarness.solicitations(t.input(new Input.AddressAdded6(LINK, NEW6, 64)))).hasSize(1);
    }

    @Test
    void theLinksConflictPolicyDeletesADuplicateAsForIpv4() {
        EngineConfig c = EngineConfig.defaults().withDefaultLink(LinkPolicy.authoritative()
                .withConflict(ConflictPolicy.reportOnly().withRemoveOnConflict(true)));
        NdHarness t = new NdHarness(c, NdLinkPolicy.defaults().withDad(true, 1, false));
        t.input(new Input.AddressAdded6(LINK, NEW6, 64));
        List<Action> out = t.receive(NEW6.solicitedNode().multicastMac(), PEER_HW, NdPacket.dadProbe(NEW6, new byte[] {9, 9, 9, 9, 9, 9}));
        assertThat(Harness.only(out, Action.RemoveAddress6.class)).containsExactly(new Action.RemoveAddress6(LINK, NEW6, 64));
        assertThat(Harness.events(out)).anyMatch(e -> e.kind() == Kind.REMOVED && NEW6.equals(e.address6()));
    }

    @Test
    void dadCutShortByTheLinkGoingDownClaimsNothingUntilItRunsAgain() {
        NdHarness t = withDad(3, false);
        t.input(new Input.AddressAdded6(LINK, NEW6, 64));
        t.input(new Input.LinkChanged(LINK, "eth0", org.uarpd.wire.link.Ethernet.INSTANCE, OUR_HW, false));
        assertThat(Harness.events(t.advance(5 * S))).noneMatch(e -> e.kind() == Kind.CLAIMED);
        List<Action> up = t.input(new Input.LinkChanged(LINK, "eth0", org.uarpd.wire.link.Ethernet.INSTANCE, OUR_HW, true));
        assertThat(NdHarness.solicitations(up)).extracting(s -> s.packet().target()).contains(NEW6);
        assertThat(Harness.events(t.advance(3 * S))).anyMatch(e -> e.reason() == Reason.CLAIMED && NEW6.equals(e.address6()));
    }
}
