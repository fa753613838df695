package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.Harness.OUR_HW;
import static org.uarpd.engine.Harness.S;
import static org.uarpd.engine.Harness.events;
import static org.uarpd.engine.Harness.only;
import static org.uarpd.engine.NdHarness.OTHER_HW;
import static org.uarpd.engine.NdHarness.OUR6;
import static org.uarpd.engine.NdHarness.PEER6;
import static org.uarpd.engine.NdHarness.PEER_HW;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;

/**
 * The guard's change and station rules for IPv6 neighbours, as {@link GuardTest} checks them for
 * IPv4: a binding an NS or NA would move is believed only after the old station stays silent to a
 * unicast solicitation, and arpwatch's reports name IPv6 addresses.
 */
class NdGuardTest {
    private static NdHarness guarded(GuardPolicy g) {
        return new NdHarness(EngineConfig.defaults().withDefaultLink(LinkPolicy.authoritative().withGuard(g)),
                NdLinkPolicy.defaults().withDad(false, 1, false));
    }

    /** PEER6 resolved the ordinary way (a miss, its solicited answer), then past the lock time. */
    private static NdHarness resolved(GuardPolicy g) {
        NdHarness t = guarded(g);
        t.miss6(PEER6);
        t.answer(PEER6, PEER_HW);
        assertThat(t.hardware(PEER6)).isEqualTo(PEER_HW);
        t.advance(5 * S);
        t.h.actions.clear();
        return t;
    }

    private static List<EngineEvent> alerts(List<Action> a) {
        return events(a).stream().filter(e -> e.kind() == Kind.ALERT).toList();
    }

    private static List<Reason> alertReasons(List<Action> a) {
        return alerts(a).stream().map(EngineEvent::reason).toList();
    }

    @Test
    @DisplayName("an advertisement moving a binding is believed only after the old station stays silent to a unicast NS")
    void advertisedChangeBelievedAfterSilence() {
        NdHarness t = resolved(GuardPolicy.off().withVerifyChanges(true));
        List<Action> a = t.unsolicited(PEER6, OTHER_HW, true);
        List<EngineEvent> alerts = alerts(a);
        assertThat(alerts).extracting(EngineEvent::reason).containsExactly(Reason.VERIFYING);
        assertThat(alerts.getFirst().address6()).isEqualTo(PEER6);
        assertThat(alerts.getFirst().hardware()).isEqualTo(OTHER_HW);
        assertThat(alerts.getFirst().knownHardware()).isEqualTo(PEER_HW);
        List<NdHarness.SentNd> asked = NdHarness.solicitations(a);
        assertThat(asked).hasSize(1);
        assertThat(asked.getFirst().frame().destination()).as("unicast to the old station").isEqualTo(PEER_HW);
        assertThat(asked.getFirst().packet().destination()).isEqualTo(PEER6);
        assertThat(asked.getFirst().packet().target()).isEqualTo(PEER6);
        assertThat(asked.getFirst().packet().source()).isEqualTo(OUR6);
        assertThat(asked.getFirst().packet().sourceLinkLayer(6)).contains(OUR_HW);
        assertThat(t.hardware(PEER6)).isEqualTo(PEER_HW);

        List<Action> later = t.advance(S);
        assertThat(events(later)).anyMatch(e -> e.reason() == Reason.VERIFIED && PEER6.equals(e.address6()));
        assertThat(only(later, Action.InstallNeighbor6.class)).extracting(Action.InstallNeighbor6::hardware).containsExactly(OTHER_HW);
        assertThat(t.hardware(PEER6)).isEqualTo(OTHER_HW);
    }

    @Test
    @DisplayName("a solicitation whose source option moves a binding is verified the same way")
    void solicitedChangeIsVerifiedToo() {
        NdHarness t = resolved(GuardPolicy.off().withVerifyChanges(true));
        List<Action> a = t.receive(OUR_HW, OTHER_HW, NdHarness.ns(PEER6, OTHER_HW, OUR6));
        assertThat(alertReasons(a)).containsExactly(Reason.VERIFYING);
        assertThat(NdHarness.solicitations(a)).extracting(s -> s.frame().destination()).containsExactly(PEER_HW);
        assertThat(t.hardware(PEER6)).isEqualTo(PEER_HW);
        List<Action> again = t.unsolicited(PEER6, OTHER_HW, true);
        assertThat(events(again)).anyMatch(e -> e.kind() == Kind.IGNORED && e.reason() == Reason.VERIFYING);
        assertThat(NdHarness.solicitations(again)).as("one question per verification").isEmpty();
    }

    @Test
    @DisplayName("if the old station answers, the change is refused as spoofing and the same claim stays refused")
    void oldStationAnswersSpoofing() {
        NdHarness t = resolved(GuardPolicy.off().withVerifyChanges(true));
        t.unsolicited(PEER6, OTHER_HW, true);
        List<Action> answer = t.answer(PEER6, PEER_HW);
        List<EngineEvent> alerts = alerts(answer);
        assertThat(alerts).extracting(EngineEvent::reason).containsExactly(Reason.SPOOFING);
        assertThat(alerts.getFirst().address6()).isEqualTo(PEER6);
        assertThat(alerts.getFirst().hardware()).isEqualTo(OTHER_HW);
        assertThat(only(t.advance(5 * S), Action.InstallNeighbor6.class)).noneMatch(i -> i.hardware().equals(OTHER_HW));
        assertThat(t.hardware(PEER6)).isEqualTo(PEER_HW);
        List<Action> retry = t.unsolicited(PEER6, OTHER_HW, true);
        assertThat(alertReasons(retry)).as("quarantined").containsExactly(Reason.SPOOFING);
        assertThat(NdHarness.solicitations(retry)).isEmpty();
        assertThat(t.hardware(PEER6)).isEqualTo(PEER_HW);
    }

    @Test
    @DisplayName("strict: a solicited advertisement nobody asked for may not move a binding (UNSOLICITED)")
    void strictRefusesAnAnswerToNoQuestion() {
        NdHarness t = resolved(GuardPolicy.strict().withStationEvents(false, 16));
        // S set, to us, but no resolution or re-probe of PEER6 is under way: NA poisoning.
        List<Action> a = t.receive(OUR_HW, OTHER_HW, NdHarness.na(PEER6, OUR6, true, true, OTHER_HW));
        assertThat(alerts(a)).extracting(EngineEvent::reason).containsExactly(Reason.UNSOLICITED);
        assertThat(alerts(a).getFirst().address6()).isEqualTo(PEER6);
        assertThat(only(a, Action.InstallNeighbor6.class)).isEmpty();
        assertThat(t.hardware(PEER6)).isEqualTo(PEER_HW);
    }

    @Test
    @DisplayName("arpwatch's reports for IPv6: new station, changed station, flip flop, bogon (not learnt, not answered)")
    void stationEvents() {
        NdHarness t = guarded(GuardPolicy.off().withStationEvents(true, 16));
        List<EngineEvent> first = alerts(t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, OUR6)));
        assertThat(first).extracting(EngineEvent::reason).containsExactly(Reason.NEW_STATION);
        assertThat(first.getFirst().address6()).isEqualTo(PEER6);
        assertThat(first.getFirst().hardware()).isEqualTo(PEER_HW);
        assertThat(alertReasons(t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, OUR6)))).isEmpty();

        List<EngineEvent> changed = alerts(t.unsolicited(PEER6, OTHER_HW, true));
        assertThat(changed).extracting(EngineEvent::reason).containsExactly(Reason.CHANGED_STATION);
        assertThat(changed.getFirst().knownHardware()).as("the address before").isEqualTo(PEER_HW);
        assertThat(alertReasons(t.unsolicited(PEER6, PEER_HW, true))).containsExactly(Reason.FLIP_FLOP);

        Ip6Address linkLocal = NdHarness.ip6("fe80::9");
        assertThat(alertReasons(t.receive(OUR_HW, HardwareAddress.parse("02:00:00:00:00:09"),
                NdHarness.ns(linkLocal, HardwareAddress.parse("02:00:00:00:00:09"), OUR6))))
                .as("link-local is always on-link").containsExactly(Reason.NEW_STATION);

        Ip6Address offLink = NdHarness.ip6("2001:db8:99::9");
        List<Action> bogon = t.receive(OUR_HW, HardwareAddress.parse("02:00:00:00:00:0a"),
                NdHarness.ns(offLink, HardwareAddress.parse("02:00:00:00:00:0a"), OUR6));
        assertThat(alerts(bogon)).extracting(EngineEvent::reason).containsExactly(Reason.BOGON);
        assertThat(alerts(bogon).getFirst().address6()).isEqualTo(offLink);
        assertThat(t.state(offLink)).isNull();
        assertThat(NdHarness.advertisements(bogon)).isEmpty();
    }

    @Test
    @DisplayName("the station table holds both families apart: an IPv6 station never shadows an IPv4 one")
    void familiesShareTheTableWithoutColliding() {
        NdHarness t = guarded(GuardPolicy.off().withStationEvents(true, 16));
        t.receive(OUR_HW, PEER_HW, NdHarness.ns(PEER6, PEER_HW, OUR6));
        List<Action> v4 = t.h.frame(Harness.request(PEER_HW, Harness.ip("192.0.2.2"), Harness.OUR_IP));
        assertThat(events(v4)).filteredOn(e -> e.kind() == Kind.ALERT).extracting(EngineEvent::reason)
                .containsExactly(Reason.NEW_STATION);
        assertThat(t.engine().count(Reason.NEW_STATION)).isEqualTo(2);
    }
}
