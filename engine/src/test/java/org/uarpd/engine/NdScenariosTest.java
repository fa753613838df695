package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.Harness.OUR_HW;
import static org.uarpd.engine.Harness.S;
import static org.uarpd.engine.NdHarness.OTHER_HW;
import static org.uarpd.engine.NdHarness.OUR6;
import static org.uarpd.engine.NdHarness.PEER6;
import static org.uarpd.engine.NdHarness.PEER_HW;
import static org.uarpd.engine.NeighborState.DELAY;
import static org.uarpd.engine.NeighborState.FAILED;
import static org.uarpd.engine.NeighborState.INCOMPLETE;
import static org.uarpd.engine.NeighborState.PROBE;
import static org.uarpd.engine.NeighborState.REACHABLE;
import static org.uarpd.engine.NeighborState.STALE;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;

/**
 * Scenario tests in two families. First, the matrix of Linux's selftest for unsolicited
 * advertisements (drop, accept, forwarding → whether a STALE entry appears), re-expressed on our
 * policy. Second, the neighbour entry transitions gVisor's NUD tests walk through, each driven here
 * by real frames and misses on a manual clock.
 */
class NdScenariosTest {

    // -- RFC 9131 / Linux drop_unsolicited_na × accept_untracked_na × forwarding --------------------

    /** A peer off our 2001:db8:1::/64: its advertisement's source is on none of the link's prefixes. */
    static final Ip6Address OFF_PREFIX = NdHarness.ip6("2001:db8:2::2");

    /** The policy Linux's sysctls drop_unsolicited_na, accept_untracked_na (0, 1, 2) and forwarding stand for. */
    static NdLinkPolicy policy(boolean drop, int accept, boolean forwarding) {
        NdLinkPolicy.Unsolicited rule = NdLinkPolicy.Unsolicited.ofLinux(drop, accept);
        return NdLinkPolicy.defaults().withDad(false, 1, false).withUnsolicited(rule).withRouter(forwarding);
    }

    private static NdLinkPolicy policy(boolean drop, boolean accept, boolean forwarding) {
        return policy(drop, accept ? 1 : 0, forwarding);
    }

    /**
     * The whole matrix: for each setting, a host whose entry is absent or FAILED (it did not answer
     * our solicitations) comes up and announces itself (Linux ndisc_notify: S=0, O=1, to all nodes,
     * from the announced address, on or off our prefix); the row says the entry's state afterwards.
     */
    @ParameterizedTest(name = "drop={0} accept={1} forwarding={2} initial={3} onPrefix={4}: {5}")
    @CsvSource({
        // absent
        "false, 1, true,  ABSENT, true,  STALE",
        "false, 0, false, ABSENT, true,  ABSENT",
        "false, 0, true,  ABSENT, true,  ABSENT",
        "false, 1, false, ABSENT, true,  ABSENT",
        "true,  0, false, ABSENT, true,  ABSENT",
        "true,  0, true,  ABSENT, true,  ABSENT",
        "true,  1, false, ABSENT, true,  ABSENT",
        "true,  1, true,  ABSENT, true,  ABSENT",
        "false, 2, true,  ABSENT, true,  STALE",
        "false, 2, true,  ABSENT, false, ABSENT",
        "false, 1, true,  ABSENT, false, STALE",
        "false, 2, false, ABSENT, true,  ABSENT",
        // FAILED
        "false, 1, true,  FAILED, true,  STALE",
        "false, 2, true,  FAILED, true,  STALE",
        "false, 0, true,  FAILED, true,  FAILED",
        "false, 1, false, FAILED, true,  FAILED",
        "true,  1, true,  FAILED, true,  FAILED",
        "false, 2, true,  FAILED, false, FAILED",
        "false, 1, true,  FAILED, false, STALE"})
    void anUnsolicitedAdvertisementCreatesOrRevivesAnEntryOnlyOnAnAcceptingRouter(boolean drop, int accept, boolean forwarding,
                                                                                 String initial, boolean onPrefix, String expected) {
        NdHarness t = new NdHarness(policy(drop, accept, forwarding));
        Ip6Address peer = onPrefix ? PEER6 : OFF_PREFIX;
        if (initial.equals("FAILED")) {
            t.miss6(peer);
            t.advance(3 * S);
            assertThat(t.state(peer)).isEqualTo(FAILED);
        }
        List<Action> out = t.unsolicited(peer, PEER_HW, true);
        NeighborState after = expected.equals("ABSENT") ? null : NeighborState.valueOf(expected);
        assertThat(t.state(peer)).isEqualTo(after);
        assertThat(t.hardware(peer)).isEqualTo(after == STALE ? PEER_HW : null);
        assertThat(Harness.only(out, Action.InstallNeighbor6.class)).hasSize(after == STALE ? 1 : 0);
    }

    @ParameterizedTest(name = "drop={0} accept={1} forwarding={2}: existing entry updated {3}")
    @CsvSource({
        "false, true,  true,  true",
        "false, false, false, true",
        "false, true,  false, true",
        "true,  false, false, false",
        "true,  true,  true,  false"})
    void anUnsolicitedOverrideUpdatesAnExistingEntryUnlessDropped(boolean drop, boolean accept, boolean forwarding, boolean updated) {
        NdHarness t = new NdHarness(policy(drop, accept, forwarding));
        t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, OUR6)); // known, STALE at PEER_HW
        t.unsolicited(PEER6, OTHER_HW, true);
        assertThat(t.state(PEER6)).isEqualTo(STALE);
        assertThat(t.hardware(PEER6)).isEqualTo(updated ? OTHER_HW : PEER_HW);
    }

    @Test
    void theGuardRefusesUnsolicitedAdvertisements() {
        EngineConfig c = EngineConfig.defaults().withDefaultLink(LinkPolicy.authoritative().withGuard(GuardPolicy.strict()));
        NdHarness t = new NdHarness(c, NdLinkPolicy.defaults().withDad(false, 1, false));
        t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, OUR6));
        List<Action> out = t.unsolicited(PEER6, OTHER_HW, true);
        assertThat(t.hardware(PEER6)).isEqualTo(PEER_HW);
        assertThat(Harness.events(out)).anyMatch(e -> e.reason() == EngineEvent.Reason.UNSOLICITED);
    }

    @Test
    void theGuardsPerSourceLimitCoversNeighbourDiscoveryWithTheSameBudgetAsArp() {
        // Keyed by the link-layer source: a station flooding solicitations is cut off at its burst, in
        // both families at once, while another station still gets its answers.
        GuardPolicy g = GuardPolicy.off().withPerSource(new RateLimit(3, 1), 64);
        NdHarness t = new NdHarness(EngineConfig.defaults().withDefaultLink(LinkPolicy.authoritative().withGuard(g)),
                NdLinkPolicy.defaults().withDad(false, 1, false));
        int answered = 0;
        for (int i = 0; i < 10; i++) answered += NdHarness.advertisements(t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, OUR6))).size();
        assertThat(answered).isEqualTo(3);
        assertThat(t.engine().count(EngineEvent.Reason.SOURCE_RATE_LIMITED)).isEqualTo(7);
        assertThat(Harness.transmitted(t.h.frame(Harness.request(PEER_HW, org.uarpd.wire.Ip4.parse("192.0.2.2"), Harness.OUR_IP)))).as("ARP shares the budget").isEmpty();
        assertThat(NdHarness.advertisements(t.receive(OUR_HW, OTHER_HW, NdHarness.ns(NdHarness.ip6("2001:db8:1::3"), OTHER_HW, OUR6))))
                .hasSize(1);
        t.advance(S);
        assertThat(NdHarness.advertisements(t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, OUR6)))).hasSize(1);
        t.advance(S);
        assertThat(Harness.transmitted(t.h.frame(Harness.request(PEER_HW, org.uarpd.wire.Ip4.parse("192.0.2.2"), Harness.OUR_IP))))
                .as("and answered again once the bucket refilled").hasSize(1);
    }

    @Test
    void theGuardsLockLearntPinsAnIpv6BindingSoNoAdvertisementMovesIt() {
        EngineConfig c = EngineConfig.defaults().withDefaultLink(LinkPolicy.authoritative().withGuard(GuardPolicy.off().withLockLearnt(true)));
        NdHarness t = new NdHarness(c, NdLinkPolicy.defaults().withDad(false, 1, false));
        t.miss6(PEER6);
        List<Action> out = t.answer(PEER6, PEER_HW);
        out.addAll(t.advance(10_000_000L)); // the pinning runs once this input is done (the next tick)
        assertThat(t.state(PEER6)).isEqualTo(NeighborState.STATIC);
        assertThat(Harness.events(out)).anyMatch(e -> e.reason() == EngineEvent.Reason.PINNED && PEER6.equals(e.address6()));
        t.unsolicited(PEER6, OTHER_HW, true);
        t.receive(OUR_HW, OTHER_HW, NdHarness.na(PEER6, OUR6, true, true, OTHER_HW));
        assertThat(t.state(PEER6)).isEqualTo(NeighborState.STATIC);
        assertThat(t.hardware(PEER6)).isEqualTo(PEER_HW);
    }

    // -- neighbour entry transitions (gVisor's NUD table) ------------------------------------------

    /** A harness with PEER6's entry in {@code state}, bound to PEER_HW unless INCOMPLETE. */
    private static NdHarness in(NeighborState state) {
        NdHarness t = new NdHarness();
        switch (state) {
            case INCOMPLETE -> t.miss6(PEER6);
            case REACHABLE -> {
                t.miss6(PEER6);
                t.answer(PEER6, PEER_HW);
            }
            case STALE -> t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, OUR6));
            case DELAY -> {
                t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, OUR6));
                t.miss6(PEER6);
            }
            case PROBE -> {
                t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, OUR6));
                t.miss6(PEER6);
                t.advance(5 * S);
            }
            default -> throw new IllegalArgumentException(state.toString());
        }
        assertThat(t.state(PEER6)).isEqualTo(state);
        return t;
    }

    private static void expect(NdHarness t, NeighborState state, HardwareAddress hw) {
        assertThat(t.state(PEER6)).isEqualTo(state);
        assertThat(t.hardware(PEER6)).isEqualTo(hw);
    }

    private static List<Action> solicitedNoOption(NdHarness t) {
        return t.receive(OUR_HW, PEER_HW, NdHarness.na(PEER6, OUR6, true, false, null));
    }

    private static List<Action> probeFrom(NdHarness t, HardwareAddress hw) {
        return t.receive(OUR_HW, hw, NdHarness.ns(PEER6, hw, OUR6));
    }

    @Test
    void unknownStaysUnknownOnAConfirmation() {
        NdHarness t = new NdHarness();
        t.receive(OUR_HW, PEER_HW, NdHarness.na(PEER6, OUR6, false, false, PEER_HW));
        assertThat(t.state(PEER6)).isNull();
    }

    @Test
    void unknownToIncompleteToStaleByAProbe() {
        NdHarness t = in(INCOMPLETE);
        probeFrom(t, PEER_HW);
        expect(t, STALE, PEER_HW);
    }

    @Test
    void unknownToStaleOnAProbe() {
        // RFC 4861 §7.2.3: a solicitation to us with a source link-layer option creates the entry STALE.
        NdHarness t = new NdHarness();
        probeFrom(t, PEER_HW);
        expect(t, STALE, PEER_HW);
    }

    @Test
    void incompleteSolicitsAgainEachRetransmitIntervalThenFails() {
        // §7.2.2: MAX_MULTICAST_SOLICIT (3) solicitations to the solicited-node group, RETRANS_TIMER (1 s) apart.
        NdHarness t = new NdHarness();
        List<Action> out = t.miss6(PEER6);
        out.addAll(t.advance(S));
        out.addAll(t.advance(S));
        assertThat(NdHarness.solicitations(out)).hasSize(3).allSatisfy(s -> {
            assertThat(s.packet().destination()).isEqualTo(PEER6.solicitedNode());
            assertThat(s.packet().target()).isEqualTo(PEER6);
        });
        expect(t, INCOMPLETE, null);
        assertThat(NdHarness.solicitations(t.advance(S))).isEmpty();
        expect(t, FAILED, null);
    }

    @Test
    void failedStaysFailedForAMissWithinTheNegativeCache() {
        // Unlike gVisor (FAILED → INCOMPLETE on the next queued packet), a FAILED entry is remembered
        // for a while: a miss then fails at once instead of soliciting a host that just did not answer.
        NdHarness t = in(INCOMPLETE);
        t.advance(3 * S);
        expect(t, FAILED, null);
        List<Action> out = t.miss6(PEER6);
        assertThat(NdHarness.solicitations(out)).isEmpty();
        assertThat(Harness.events(out)).anyMatch(e -> e.reason() == EngineEvent.Reason.NEGATIVE_CACHE);
        expect(t, FAILED, null);
    }

    @Test
    void incompleteToReachableOnASolicitedConfirmation() {
        NdHarness t = in(INCOMPLETE);
        t.answer(PEER6, PEER_HW);
        expect(t, REACHABLE, PEER_HW);
    }

    @Test
    void incompleteToStaleOnAnUnsolicitedConfirmation() {
        NdHarness t = in(INCOMPLETE);
        t.unsolicited(PEER6, PEER_HW, true);
        expect(t, STALE, PEER_HW);
    }

    @Test
    void incompleteIgnoresAnAdvertisementWithoutTargetLinkAddress() {
        NdHarness t = in(INCOMPLETE);
        solicitedNoOption(t);
        expect(t, INCOMPLETE, null);
    }

    @Test
    void incompleteToFailedWhenTheProbesAreSpent() {
        NdHarness t = in(INCOMPLETE);
        t.advance(3 * S);
        expect(t, FAILED, null);
        t.advance(20 * S); // negative cache over: the next miss starts over
        t.miss6(PEER6);
        expect(t, INCOMPLETE, null);
    }

    @Test
    void reachableToStaleWhenTheReachableTimeRunsOut() {
        NdHarness t = in(REACHABLE);
        t.advance(46 * S);
        expect(t, STALE, PEER_HW);
    }

    @Test
    void reachableToStaleKeepingTheAddressOnAConfirmationWithAnotherAddressWithoutOverride() {
        NdHarness t = in(REACHABLE);
        t.receive(OUR_HW, OTHER_HW, NdHarness.na(PEER6, OUR6, true, false, OTHER_HW));
        expect(t, STALE, PEER_HW);
    }

    @Test
    void reachableToStaleOnAProbeWithAnotherAddress() {
        NdHarness t = in(REACHABLE);
        probeFrom(t, OTHER_HW);
        expect(t, STALE, OTHER_HW);
    }

    @Test
    void staleToReachableOnASolicitedOverrideConfirmation() {
        NdHarness t = in(STALE);
        t.answer(PEER6, OTHER_HW);
        expect(t, REACHABLE, OTHER_HW);
    }

    @Test
    void staleToReachableOnASolicitedConfirmationWithoutAddress() {
        NdHarness t = in(STALE);
        solicitedNoOption(t);
        expect(t, REACHABLE, PEER_HW);
    }

    @Test
    void staleStaysStaleOnAnOverrideConfirmationTakingTheNewAddress() {
        NdHarness t = in(STALE);
        t.unsolicited(PEER6, OTHER_HW, true);
        expect(t, STALE, OTHER_HW);
    }

    @Test
    void staleIgnoresAnotherAddressWithoutOverride() {
        NdHarness t = in(STALE);
        t.unsolicited(PEER6, OTHER_HW, false);
        expect(t, STALE, PEER_HW);
    }

    @Test
    void staleStaysStaleTakingTheAddressOfAProbeWithAnotherAddress() {
        NdHarness t = in(STALE);
        probeFrom(t, OTHER_HW);
        expect(t, STALE, OTHER_HW);
    }

    @Test
    void staleToDelayWhenUsedThenProbe() {
        NdHarness t = in(DELAY);
        t.advance(5 * S);
        expect(t, PROBE, PEER_HW);
    }

    @Test
    void delayToReachableOnASolicitedOverrideConfirmation() {
        NdHarness t = in(DELAY);
        t.answer(PEER6, PEER_HW);
        expect(t, REACHABLE, PEER_HW);
    }

    @Test
    void delayToReachableOnASolicitedConfirmationWithoutAddress() {
        // gVisor also has DELAY → REACHABLE on an upper-layer confirmation; uarpd hears none (the
        // kernel keeps those for its own copy of the entry), so only advertisements confirm here.
        NdHarness t = in(DELAY);
        solicitedNoOption(t);
        expect(t, REACHABLE, PEER_HW);
    }

    @Test
    void delayToStaleOnAnOverrideWithAnotherAddress() {
        NdHarness t = in(DELAY);
        t.unsolicited(PEER6, OTHER_HW, true);
        expect(t, STALE, OTHER_HW);
    }

    @Test
    void delayToStaleOnAProbeWithAnotherAddress() {
        NdHarness t = in(DELAY);
        probeFrom(t, OTHER_HW);
        expect(t, STALE, OTHER_HW);
    }

    @Test
    void probeToReachableOnASolicitedConfirmationWithTheSameAddressOrNone() {
        NdHarness same = in(PROBE);
        same.receive(OUR_HW, PEER_HW, NdHarness.na(PEER6, OUR6, true, false, PEER_HW));
        expect(same, REACHABLE, PEER_HW);
        NdHarness none = in(PROBE);
        solicitedNoOption(none);
        expect(none, REACHABLE, PEER_HW);
    }

    @Test
    void probeToStaleOnAnOverrideWithAnotherAddress() {
        NdHarness t = in(PROBE);
        t.unsolicited(PEER6, OTHER_HW, true);
        expect(t, STALE, OTHER_HW);
    }

    @Test
    void probeSolicitsByUnicastEachRetransmitInterval() {
        // §7.3.3: in PROBE, MAX_UNICAST_SOLICIT (3) solicitations to the cached address, RETRANS_TIMER apart.
        NdHarness t = new NdHarness();
        t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, OUR6));
        t.miss6(PEER6);
        List<Action> out = t.advance(5 * S);
        out.addAll(t.advance(S));
        out.addAll(t.advance(S));
        assertThat(NdHarness.solicitations(out)).hasSize(3).allSatisfy(s -> {
            assertThat(s.frame().destination()).isEqualTo(PEER_HW);
            assertThat(s.packet().destination()).isEqualTo(PEER6);
        });
        expect(t, PROBE, PEER_HW);
    }

    @Test
    void probeToFailedWhenTheUnicastProbesAreSpent() {
        NdHarness t = in(PROBE);
        t.advance(3 * S);
        expect(t, FAILED, null);
    }

    @Test
    void reachableStaysReachableOnAnUnsolicitedAdvertisementOfTheSameAddress() {
        // RFC 4861 §7.2.5: S=0 with the address we hold changes nothing (no confirmation, no doubt).
        NdHarness t = in(REACHABLE);
        List<Action> out = t.unsolicited(PEER6, PEER_HW, true);
        expect(t, REACHABLE, PEER_HW);
        assertThat(Harness.only(out, Action.InstallNeighbor6.class)).isEmpty();
    }

    @Test
    void reachableToStaleTakingTheAddressOnAnUnsolicitedOverrideWithAnotherAddress() {
        NdHarness t = in(REACHABLE);
        List<Action> out = t.unsolicited(PEER6, OTHER_HW, true);
        expect(t, STALE, OTHER_HW);
        assertThat(Harness.only(out, Action.InstallNeighbor6.class))
                .containsExactly(new Action.InstallNeighbor6(Harness.LINK, PEER6, OTHER_HW, STALE));
    }

    @Test
    void reachableStaysReachableTakingTheAddressOnASolicitedOverrideWithAnotherAddress() {
        NdHarness t = in(REACHABLE);
        t.receive(OUR_HW, OTHER_HW, NdHarness.na(PEER6, OUR6, true, true, OTHER_HW));
        expect(t, REACHABLE, OTHER_HW);
    }

    @Test
    void reachableStaysReachableOnASolicitationFromTheSameAddress() {
        NdHarness t = in(REACHABLE);
        probeFrom(t, PEER_HW);
        expect(t, REACHABLE, PEER_HW);
    }

    @Test
    void staleStaysStaleOnAnUnsolicitedAdvertisementWithoutLinkLayerOption() {
        NdHarness t = in(STALE);
        t.receive(Ip6Address.ALL_NODES.multicastMac(), OTHER_HW, NdHarness.na(PEER6, Ip6Address.ALL_NODES, false, true, null));
        expect(t, STALE, PEER_HW);
    }

    @Test
    void delayStaysDelayOnAnUnsolicitedAdvertisementOfTheSameAddressThenProbes() {
        NdHarness t = in(DELAY);
        t.unsolicited(PEER6, PEER_HW, true);
        expect(t, DELAY, PEER_HW);
        List<Action> out = t.advance(5 * S);
        expect(t, PROBE, PEER_HW);
        // the first unicast probe goes to the address held, not to the solicited-node group (RFC 4861 §7.3.3)
        assertThat(NdHarness.solicitations(out)).singleElement().satisfies(ns -> {
            assertThat(ns.frame().destination()).isEqualTo(PEER_HW);
            assertThat(ns.packet().destination()).isEqualTo(PEER6);
        });
    }

    @Test
    void probeIgnoresASolicitedConfirmationWithAnotherAddressWithoutOverride() {
        NdHarness t = in(PROBE);
        List<Action> out = t.receive(OUR_HW, OTHER_HW, NdHarness.na(PEER6, OUR6, true, false, OTHER_HW));
        expect(t, PROBE, PEER_HW);
        assertThat(Harness.events(out)).anyMatch(e -> e.reason() == EngineEvent.Reason.LOCKED);
    }

    @Test
    void theRouterFlagOfAnAdvertisementNeitherConfirmsNorChangesTheBinding() {
        // gVisor's IsRouter true → false: the flag only moves the sender in or out of the host's
        // Default Router List (RFC 4861 §7.2.5), which is the kernel's, not the binding's.
        NdHarness t = in(REACHABLE);
        t.receive(OUR_HW, PEER_HW, org.uarpd.wire.nd.NdPacket.advertisement(PEER6, OUR6, true, false, false, PEER6,
                List.of(org.uarpd.wire.nd.NdOption.targetLinkLayer(PEER_HW))));
        expect(t, REACHABLE, PEER_HW);
        t.advance(46 * S);
        expect(t, STALE, PEER_HW);
        t.receive(OUR_HW, PEER_HW, NdHarness.na(PEER6, OUR6, false, false, PEER_HW)); // R=0, S=0: nothing to confirm
        expect(t, STALE, PEER_HW);
    }

    @Test
    void aSolicitationWithoutSourceLinkLayerOptionTeachesNothing() {
        // RFC 4861 §7.2.3: only the option makes an entry; a unicast NS without one is answered, not learnt.
        NdHarness t = new NdHarness();
        List<Action> out = t.receive(OUR_HW, PEER_HW, org.uarpd.wire.nd.NdPacket.solicitation(PEER6, OUR6, OUR6, List.of()));
        assertThat(t.state(PEER6)).isNull();
        assertThat(NdHarness.advertisements(out)).hasSize(1);
    }

    @Test
    void anotherLinksEntryIsAnotherEntry() {
        NdHarness t = in(REACHABLE);
        Ip6Address same = PEER6;
        assertThat(t.engine().lookup6(2, same)).isNull();
    }
}
