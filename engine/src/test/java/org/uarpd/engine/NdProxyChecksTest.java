package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.Harness.LINK;
import static org.uarpd.engine.Harness.MS;
import static org.uarpd.engine.Harness.OUR_HW;
import static org.uarpd.engine.Harness.S;
import static org.uarpd.engine.NdHarness.PEER6;
import static org.uarpd.engine.NdHarness.PEER_HW;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.nd.NdPacket;

/**
 * Published IPv6 prefixes answered only under a condition: when the target answers on another link
 * ({@link NdPublished.When#TARGET_ANSWERS}), or when it answers on the link the route to it leaves by
 * ({@link NdPublished.When#ROUTE}).
 */
class NdProxyChecksTest {
    static final int INSIDE = 2;
    static final HardwareAddress INSIDE_HW = HardwareAddress.parse("02:00:00:00:01:01");
    static final HardwareAddress HOST_HW = HardwareAddress.parse("02:00:00:00:01:05");
    static final Ip6Address INSIDE_LL = Ip6Address.parse("fe80::1");
    static final Cidr6 PREFIX = Cidr6.parse("2001:db8:2::/64");
    static final Ip6Address HOST = Ip6Address.parse("2001:db8:2::5");

    private static NdHarness harness(NdPublished entry) {
        NdHarness t = new NdHarness(NdLinkPolicy.defaults().withDad(false, 1, false));
        t.h.linkUp(INSIDE, "eth1", INSIDE_HW);
        t.input(new Input.AddressAdded6(INSIDE, INSIDE_LL, 64));
        t.input(new Input.Command(new OperatorCommand.Publish6(LINK, entry)));
        t.h.actions.clear();
        return t;
    }

    private static NdHarness asking() {
        return harness(NdPublished.of(PREFIX).answered(NdPublished.When.TARGET_ANSWERS, "eth1"));
    }

    private static List<Action> solicit(NdHarness t, Ip6Address target) {
        return t.receive(target.solicitedNode().multicastMac(), PEER_HW, NdHarness.ns(PEER6, PEER_HW, target));
    }

    /** The target's own answer on the inside link, to our link-local address. */
    private static List<Action> hostAnswers(NdHarness t, Ip6Address target) {
        byte[] f = NdHarness.frame(INSIDE_HW, HOST_HW, NdHarness.na(target, INSIDE_LL, true, true, HOST_HW));
        return t.h.frameOn(INSIDE, f);
    }

    /** What was sent on {@code link} among {@code actions}. */
    private static List<Action> sentOn(int link, List<Action> actions) {
        return actions.stream().filter(a -> a instanceof Action.Transmit x && x.link() == link).toList();
    }

    @Test
    void aTargetThatAnswersOnTheOtherLinkIsAnsweredForAndCached() {
        NdHarness t = asking();
        List<Action> first = solicit(t, HOST);
        assertThat(NdHarness.advertisements(sentOn(LINK, first))).isEmpty();
        List<NdHarness.SentNd> asked = NdHarness.solicitations(sentOn(INSIDE, first));
        assertThat(asked).hasSize(1);
        NdPacket q = asked.getFirst().packet();
        assertThat(q.target()).isEqualTo(HOST);
        assertThat(q.source()).isEqualTo(INSIDE_LL);
        assertThat(q.destination()).isEqualTo(HOST.solicitedNode());
        assertThat(asked.getFirst().frame().source()).isEqualTo(INSIDE_HW);
        assertThat(Harness.events(first)).anyMatch(e -> e.reason() == Reason.ASKING_TARGET && HOST.equals(e.address6()));

        List<Action> answered = hostAnswers(t, HOST);
        List<NdHarness.SentNd> na = NdHarness.advertisements(sentOn(LINK, answered));
        assertThat(na).hasSize(1);
        assertThat(na.getFirst().packet().target()).isEqualTo(HOST);
        assertThat(na.getFirst().packet().destination()).isEqualTo(PEER6);
        assertThat(na.getFirst().packet().solicited()).isTrue();
        assertThat(na.getFirst().packet().override()).isFalse();
        assertThat(na.getFirst().packet().targetLinkLayer(6)).contains(OUR_HW);
        assertThat(na.getFirst().frame().destination()).isEqualTo(PEER_HW);

        // Present now: answered at once, nothing asked inside.
        t.advance(10 * S);
        List<Action> again = solicit(t, HOST);
        assertThat(NdHarness.advertisements(again)).hasSize(1);
        assertThat(NdHarness.solicitations(again)).isEmpty();
    }

    @Test
    void aSilentTargetIsAskedThreeTimesThenNotAnsweredUntilItsAbsenceExpires() {
        NdHarness t = asking();
        solicit(t, HOST);
        List<Action> retries = t.advance(NdProxyChecks.RETRANS_NANOS * NdProxyChecks.PROBES + 10 * MS);
        assertThat(NdHarness.solicitations(sentOn(INSIDE, retries))).hasSize(NdProxyChecks.PROBES - 1);
        assertThat(NdHarness.advertisements(retries)).isEmpty();
        assertThat(Harness.events(retries)).anyMatch(e -> e.kind() == Kind.FAILED && e.reason() == Reason.TARGET_SILENT);

        List<Action> refused = solicit(t, HOST);
        assertThat(NdHarness.sentNd(refused)).isEmpty();
        assertThat(Harness.events(refused)).anyMatch(e -> e.reason() == Reason.TARGET_SILENT);

        t.advance(NdProxyChecks.ABSENT_NANOS);
        List<Action> askedAgain = solicit(t, HOST);
        assertThat(NdHarness.solicitations(sentOn(INSIDE, askedAgain))).hasSize(1);
        // A target that comes up later is believed at its first advertisement.
        assertThat(NdHarness.advertisements(hostAnswers(t, HOST))).hasSize(1);
    }

    @Test
    void aPresentTargetIsAskedAgainOnceItsAnswerExpires() {
        NdHarness t = asking();
        solicit(t, HOST);
        hostAnswers(t, HOST);
        t.advance(NdProxyChecks.PRESENT_NANOS + S);
        List<Action> after = solicit(t, HOST);
        assertThat(NdHarness.advertisements(after)).isEmpty();
        assertThat(NdHarness.solicitations(sentOn(INSIDE, after))).hasSize(1);
    }

    @Test
    void solicitorsWaitingForOneTargetAreEachAnsweredAndBounded() {
        NdHarness t = asking();
        for (int i = 0; i < NdProxyChecks.MAX_WAITING + 3; i++) {
            Ip6Address from = Ip6Address.parse("2001:db8:1::" + Integer.toHexString(0x100 + i));
            List<Action> out = t.receive(HOST.solicitedNode().multicastMac(), PEER_HW, NdHarness.ns(from, PEER_HW, HOST));
            // Only the first solicitation asks inside; the others wait for the same answer.
            assertThat(NdHarness.solicitations(out)).hasSize(i == 0 ? 1 : 0);
        }
        List<NdHarness.SentNd> na = NdHarness.advertisements(hostAnswers(t, HOST));
        assertThat(na).hasSize(NdProxyChecks.MAX_WAITING);
        assertThat(na.stream().map(s -> s.packet().destination()).distinct()).hasSize(NdProxyChecks.MAX_WAITING);
    }

    @Test
    void anAdvertisementOnTheAskingLinkOrForAnotherTargetProvesNothing() {
        NdHarness t = asking();
        solicit(t, HOST);
        List<Action> wrongLink = t.receive(OUR_HW, HOST_HW, NdHarness.na(HOST, NdHarness.OUR6, true, true, HOST_HW));
        List<Action> otherTarget = hostAnswers(t, Ip6Address.parse("2001:db8:2::6"));
        assertThat(NdHarness.advertisements(wrongLink)).isEmpty();
        assertThat(NdHarness.advertisements(otherTarget)).isEmpty();
    }

    @Test
    void newQuestionsOnTheOtherLinkAreRateLimited() {
        NdHarness t = asking();
        int asked = 0;
        int limited = 0;
        for (int i = 1; i <= NdProxyChecks.SOLICITS.burst() + 10; i++) {
            Ip6Address target = Ip6Address.parse("2001:db8:2::" + Integer.toHexString(0x1000 + i));
            List<Action> out = solicit(t, target);
            asked += NdHarness.solicitations(out).size();
            if (Harness.events(out).stream().anyMatch(e -> e.reason() == Reason.LINK_RATE_LIMITED)) limited++;
        }
        assertThat(asked).isEqualTo(NdProxyChecks.SOLICITS.burst());
        assertThat(limited).isEqualTo(10);
    }

    @Test
    void withoutAnAddressOnTheOtherLinkNothingIsAskedNorAnswered() {
        NdHarness t = asking();
        t.input(new Input.AddressRemoved6(INSIDE, INSIDE_LL, 64));
        List<Action> out = solicit(t, HOST);
        assertThat(NdHarness.sentNd(out)).isEmpty();
        assertThat(Harness.events(out)).anyMatch(e -> e.reason() == Reason.NO_SOURCE_ADDRESS);
    }

    private static NdHarness routed() {
        return harness(NdPublished.of(PREFIX).answered(NdPublished.When.ROUTE, null));
    }

    @Test
    void aRouteOutOfAnotherLinkMakesTheTargetAskedThereAndOnlyAnExistingOneAnswered() {
        NdHarness t = routed();
        List<Action> none = solicit(t, HOST);
        assertThat(NdHarness.sentNd(none)).isEmpty();
        assertThat(Harness.events(none)).anyMatch(e -> e.reason() == Reason.NO_ROUTE);

        t.input(new Input.RouteChanged6(INSIDE, PREFIX, 1024, false));
        List<Action> routed = solicit(t, HOST);
        // Not claimed at once: the target is asked on the route's link first (ndppd's "auto").
        assertThat(NdHarness.advertisements(sentOn(LINK, routed))).isEmpty();
        assertThat(NdHarness.solicitations(sentOn(INSIDE, routed))).singleElement()
                .satisfies(q -> assertThat(q.packet().target()).isEqualTo(HOST));
        List<NdHarness.SentNd> na = NdHarness.advertisements(sentOn(LINK, hostAnswers(t, HOST)));
        assertThat(na).singleElement().satisfies(x -> {
            assertThat(x.packet().target()).isEqualTo(HOST);
            assertThat(x.packet().override()).isFalse();
        });

        // A host that does not exist behind the route is never claimed.
        Ip6Address missing = Ip6Address.parse("2001:db8:2::6");
        List<Action> asked = solicit(t, missing);
        assertThat(NdHarness.solicitations(sentOn(INSIDE, asked))).hasSize(1);
        List<Action> silent = t.advance(NdProxyChecks.RETRANS_NANOS * NdProxyChecks.PROBES + 10 * MS);
        assertThat(NdHarness.advertisements(sentOn(LINK, silent))).isEmpty();
        assertThat(Harness.events(silent)).anyMatch(e -> e.reason() == Reason.TARGET_SILENT);
        assertThat(NdHarness.advertisements(solicit(t, missing))).isEmpty();
    }

    @Test
    void aRoutedTargetFollowsRouteChanges() {
        NdHarness t = routed();
        t.input(new Input.RouteChanged6(INSIDE, PREFIX, 1024, false));
        solicit(t, HOST);
        hostAnswers(t, HOST);
        assertThat(NdHarness.advertisements(solicit(t, HOST))).hasSize(1);

        // A more specific route back out of the asking link wins for the addresses it covers.
        t.input(new Input.RouteChanged6(LINK, Cidr6.parse("2001:db8:2::/124"), 1024, false));
        List<Action> back = solicit(t, HOST);
        assertThat(NdHarness.sentNd(back)).isEmpty();
        assertThat(Harness.events(back)).anyMatch(e -> e.reason() == Reason.ROUTED_BACK);
        t.input(new Input.RouteChanged6(LINK, Cidr6.parse("2001:db8:2::/124"), 1024, true));
        assertThat(NdHarness.advertisements(solicit(t, HOST))).hasSize(1);

        // Route gone: nothing answered, though the target answered a moment ago.
        t.input(new Input.RouteChanged6(INSIDE, PREFIX, 1024, true));
        List<Action> gone = solicit(t, HOST);
        assertThat(NdHarness.sentNd(gone)).isEmpty();
        assertThat(Harness.events(gone)).anyMatch(e -> e.reason() == Reason.NO_ROUTE);

        t.input(new Input.RouteChanged6(INSIDE, PREFIX, 1024, false));
        t.input(new Input.RoutesReset6());
        assertThat(NdHarness.advertisements(solicit(t, HOST))).isEmpty();

        // A route out of an interface uarpd does not run on: it could not hear the target, so silence.
        t.input(new Input.RouteChanged6(9, PREFIX, 1024, false));
        List<Action> elsewhere = solicit(t, HOST);
        assertThat(NdHarness.sentNd(elsewhere)).isEmpty();
        assertThat(Harness.events(elsewhere)).anyMatch(e -> e.reason() == Reason.UNKNOWN_LINK);
    }

    @Test
    void aViaThatIsTheAskingLinkHasItsOwnReason() {
        NdHarness t = harness(NdPublished.of(PREFIX).answered(NdPublished.When.TARGET_ANSWERS, "eth0"));
        List<Action> out = solicit(t, HOST);
        assertThat(NdHarness.sentNd(out)).isEmpty();
        assertThat(Harness.events(out)).anyMatch(e -> e.reason() == Reason.VIA_IS_ASKING_LINK)
                .noneMatch(e -> e.reason() == Reason.LINK_IS_DOWN);
    }

    @Test
    void anAlwaysEntryIsAnsweredWithoutAskingOrRoutes() {
        NdHarness t = harness(NdPublished.of(PREFIX));
        List<Action> out = solicit(t, HOST);
        assertThat(NdHarness.advertisements(out)).hasSize(1);
        assertThat(NdHarness.solicitations(out)).isEmpty();
    }

    @Test
    void theIpv6TablesAreAmongTheEnginesBounds() {
        NdHarness t = asking();
        t.miss6(Ip6Address.parse("2001:db8:1::9"));
        solicit(t, HOST);
        t.input(new Input.RouteChanged6(INSIDE, PREFIX, 1024, false));
        EngineConfig c = EngineConfig.defaults();
        assertThat(t.engine().bounds()).contains(
                new Bound("neighbors6.dynamic", 0, 2, c.maxEntries()), // the miss and the solicitor learnt
                new Bound("neighbors6.static", 0, 0, c.maxStaticEntries()),
                new Bound("neighbors6.incomplete", 0, 1, c.maxPending()),
                new Bound("ndproxy.checks", 0, 1, NdProxyChecks.MAX_CHECKS),
                new Bound("routes6", 0, 1, Routes6.MAX_ROUTES));
    }

    @Test
    void aTargetAnswersEntryNeedsItsLinkAndOnlyIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NdPublished.of(PREFIX).answered(NdPublished.When.TARGET_ANSWERS, null))
                .hasMessageContaining("via");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NdPublished.of(PREFIX).answered(NdPublished.When.ROUTE, "eth1"))
                .hasMessageContaining("via");
    }
}
