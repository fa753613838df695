package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.Harness.LINK;
import static org.uarpd.engine.Harness.OUR_HW;
import static org.uarpd.engine.Harness.S;
import static org.uarpd.engine.NdHarness.OUR6;
import static org.uarpd.engine.NdHarness.PEER6;
import static org.uarpd.engine.NdHarness.PEER_HW;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.nd.NdOptionType;

/** Address resolution and neighbour unreachability detection for IPv6 (RFC 4861 §7.2, §7.3), on a manual clock. */
class NdResolveTest {

    @Test
    void aMissSendsMulticastSolicitationsToTheSolicitedNodeGroupWithOurLinkAddress() {
        NdHarness t = new NdHarness();
        List<Action> out = t.miss6(PEER6);
        List<NdHarness.SentNd> ns = NdHarness.solicitations(out);
        assertThat(ns).hasSize(1);
        var p = ns.getFirst().packet();
        assertThat(p.source()).isEqualTo(OUR6);
        assertThat(p.destination()).isEqualTo(PEER6.solicitedNode());
        assertThat(p.target()).isEqualTo(PEER6);
        assertThat(p.hopLimit()).isEqualTo(255);
        assertThat(p.sourceLinkLayer(6)).contains(OUR_HW);
        assertThat(ns.getFirst().frame().destination()).isEqualTo(PEER6.solicitedNode().multicastMac());
        assertThat(ns.getFirst().frame().source()).isEqualTo(OUR_HW);
        assertThat(t.state(PEER6)).isEqualTo(NeighborState.INCOMPLETE);
        assertThat(Harness.events(out)).anyMatch(e -> e.kind() == Kind.REQUESTED && PEER6.equals(e.address6()) && e.address() == 0);
    }

    @Test
    void theSolicitationComesFromOurAddressOnTheTargetsPrefixElseFromOurLinkLocalOne() {
        // RFC 4861 §7.2.2: the prompting packet's source; from the link-local address a global peer
        // would have to solicit our global address back before it could answer the first packet.
        NdHarness t = new NdHarness();
        Ip6Address linkLocal = NdHarness.ip6("fe80::1");
        t.input(new Input.AddressAdded6(LINK, linkLocal, 64));
        assertThat(NdHarness.solicitations(t.miss6(PEER6)).getFirst().packet().source()).isEqualTo(OUR6);
        Ip6Address offPrefix = NdHarness.ip6("2001:db8:9::2");
        assertThat(NdHarness.solicitations(t.miss6(offPrefix)).getFirst().packet().source()).isEqualTo(linkLocal);
        Ip6Address peerLinkLocal = NdHarness.ip6("fe80::2");
        assertThat(NdHarness.solicitations(t.miss6(peerLinkLocal)).getFirst().packet().source()).isEqualTo(linkLocal);
    }

    @Test
    void retransmitsEveryRetransTimerAndFailsAfterMaxMulticastSolicit() {
        NdHarness t = new NdHarness();
        t.miss6(PEER6);
        assertThat(NdHarness.solicitations(t.advance(999_000_000L))).isEmpty();
        assertThat(NdHarness.solicitations(t.advance(1_000_000L))).hasSize(1);
        assertThat(NdHarness.solicitations(t.advance(S))).hasSize(1);
        List<Action> end = t.advance(S);
        assertThat(NdHarness.solicitations(end)).isEmpty();
        assertThat(Harness.only(end, Action.RemoveNeighbor6.class)).containsExactly(new Action.RemoveNeighbor6(LINK, PEER6, true));
        assertThat(t.state(PEER6)).isEqualTo(NeighborState.FAILED);
        // Negative cache: a further miss fails at once, nothing sent.
        List<Action> again = t.miss6(PEER6);
        assertThat(NdHarness.solicitations(again)).isEmpty();
        assertThat(Harness.only(again, Action.RemoveNeighbor6.class)).hasSize(1);
    }

    @Test
    void aSolicitedAdvertisementInstallsReachable() {
        NdHarness t = new NdHarness();
        t.miss6(PEER6);
        t.h.now += 300_000_000L;
        List<Action> out = t.answer(PEER6, PEER_HW);
        assertThat(Harness.only(out, Action.InstallNeighbor6.class))
                .containsExactly(new Action.InstallNeighbor6(LINK, PEER6, PEER_HW, NeighborState.REACHABLE));
        assertThat(Harness.events(out)).anyMatch(e -> e.kind() == Kind.RESOLVED && e.latencyNanos() == 300_000_000L
                && PEER6.equals(e.address6()));
        assertThat(NdHarness.solicitations(t.advance(5 * S))).isEmpty();
    }

    @Test
    void staleUsedGoesThroughDelayToUnicastProbesThenFails() {
        NdHarness t = new NdHarness();
        t.miss6(PEER6);
        t.answer(PEER6, PEER_HW);
        t.advance(46 * S); // REACHABLE_TIME 30 s × at most 1.5
        assertThat(t.state(PEER6)).isEqualTo(NeighborState.STALE);
        List<Action> served = t.miss6(PEER6);
        assertThat(Harness.only(served, Action.InstallNeighbor6.class)).hasSize(1);
        assertThat(t.state(PEER6)).isEqualTo(NeighborState.DELAY);
        assertThat(NdHarness.solicitations(t.advance(5 * S - 1_000_000L))).isEmpty();
        List<NdHarness.SentNd> first = NdHarness.solicitations(t.advance(1_000_000L));
        assertThat(t.state(PEER6)).isEqualTo(NeighborState.PROBE);
        assertThat(first).hasSize(1);
        assertThat(first.getFirst().packet().destination()).isEqualTo(PEER6);
        assertThat(first.getFirst().frame().destination()).isEqualTo(PEER_HW);
        assertThat(first.getFirst().packet().option(NdOptionType.SOURCE_LINK_LAYER)).isPresent();
        assertThat(NdHarness.solicitations(t.advance(2 * S))).hasSize(2).allMatch(s -> s.packet().destination().equals(PEER6));
        List<Action> end = t.advance(S);
        assertThat(t.state(PEER6)).isEqualTo(NeighborState.FAILED);
        assertThat(Harness.only(end, Action.RemoveNeighbor6.class)).containsExactly(new Action.RemoveNeighbor6(LINK, PEER6, true));
    }

    @Test
    void aProbeAnsweredConfirmsReachable() {
        NdHarness t = new NdHarness();
        t.miss6(PEER6);
        t.answer(PEER6, PEER_HW);
        t.advance(46 * S);
        t.miss6(PEER6);
        t.advance(5 * S);
        assertThat(t.state(PEER6)).isEqualTo(NeighborState.PROBE);
        List<Action> out = t.answer(PEER6, PEER_HW);
        assertThat(t.state(PEER6)).isEqualTo(NeighborState.REACHABLE);
        assertThat(Harness.only(out, Action.InstallNeighbor6.class)).hasSize(1);
    }

    @Test
    void withoutAnAddressOfOurOwnNothingCanBeAsked() {
        Harness h = new Harness(EngineConfig.defaults(), NdConfig.defaults());
        List<Action> out = h.input(new Input.KernelMiss6(LINK, PEER6, 0, null));
        assertThat(Harness.events(out)).anyMatch(e -> e.reason() == Reason.NO_SOURCE_ADDRESS);
        assertThat(NdHarness.sentNd(out)).isEmpty();
    }

    @Test
    void ipv6InputsOfAnUnknownLinkAreDropped() {
        NdHarness t = new NdHarness();
        List<Action> out = t.input(new Input.KernelMiss6(99, PEER6, 0, null));
        assertThat(Harness.events(out)).anyMatch(e -> e.kind() == Kind.DROPPED && e.reason() == Reason.UNKNOWN_LINK);
    }

    @Test
    void kernelChangesAndStaticEntriesWorkForIpv6() {
        NdHarness t = new NdHarness();
        HardwareAddress hw = HardwareAddress.parse("02:00:00:00:00:09");
        Ip6Address far = NdHarness.ip6("2001:db8:1::9");
        t.input(new Input.KernelNeighborChanged6(LINK, far, hw, NeighborState.REACHABLE));
        assertThat(t.state(far)).isEqualTo(NeighborState.REACHABLE);
        List<Action> pinned = t.input(new Input.Command(new OperatorCommand.AddStatic6(LINK, PEER6, PEER_HW)));
        assertThat(Harness.only(pinned, Action.InstallNeighbor6.class))
                .containsExactly(new Action.InstallNeighbor6(LINK, PEER6, PEER_HW, NeighborState.STATIC));
        t.unsolicited(PEER6, NdHarness.OTHER_HW, true);
        assertThat(t.hardware(PEER6)).isEqualTo(PEER_HW);
        List<Action> gone = t.input(new Input.Command(new OperatorCommand.DeleteStatic6(LINK, PEER6)));
        assertThat(Harness.only(gone, Action.RemoveNeighbor6.class)).containsExactly(new Action.RemoveNeighbor6(LINK, PEER6, false));
        assertThat(t.engine().size6()).isEqualTo(1);
        assertThat(t.engine().size()).isZero(); // the IPv4 table is another table
    }

    @Test
    void aFlushDropsTheIpv6EntriesTooButNotTheStaticOnes() {
        NdHarness t = new NdHarness();
        t.miss6(PEER6);
        t.answer(PEER6, PEER_HW);
        Ip6Address pinned = NdHarness.ip6("2001:db8:1::5");
        t.input(new Input.Command(new OperatorCommand.AddStatic6(LINK, pinned, PEER_HW)));
        List<Action> out = t.input(new Input.Command(new OperatorCommand.Flush(0)));
        assertThat(Harness.only(out, Action.RemoveNeighbor6.class)).containsExactly(new Action.RemoveNeighbor6(LINK, PEER6, false));
        assertThat(t.state(PEER6)).isNull();
        assertThat(t.state(pinned)).isEqualTo(NeighborState.STATIC);
    }
}
