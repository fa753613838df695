package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.Harness.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.ProtocolAddress;

/** The guard's rules, each with the event and reason it reports. */
class GuardTest {
    static final int GATEWAY = ip("192.0.2.254");
    static final HardwareAddress GW_HW = mac("02:00:00:00:00:fe");
    static final HardwareAddress ATTACKER = mac("02:00:00:00:00:66");
    static final int PEER = ip("192.0.2.7");
    static final HardwareAddress PEER_HW = mac("02:00:00:00:00:07");

    static Harness guarded(GuardPolicy g) {
        return new Harness(EngineConfig.defaults().withDefaultLink(LinkPolicy.authoritative().withGuard(g)));
    }

    /** The gateway resolved the ordinary way: a miss, its reply. */
    static void resolveGateway(Harness h) {
        h.miss(GATEWAY);
        h.frame(reply(GW_HW, GATEWAY));
        assertThat(h.hardware(GATEWAY)).isEqualTo(GW_HW);
        h.actions.clear();
    }

    /** arpspoof's packet: a reply "gateway is-at attacker", unicast to us, consistent Ethernet source. */
    static byte[] poison() {
        return arpFrame(OUR_HW, ATTACKER, EtherType.ARP, Opcode.REPLY, ATTACKER, GATEWAY, OUR_HW, OUR_IP);
    }

    static List<Reason> alerts(List<Action> a) {
        return events(a).stream().filter(e -> e.kind() == Kind.ALERT).map(EngineEvent::reason).toList();
    }

    @Test
    @DisplayName("an unsolicited reply that would change a binding is refused and reported; without the guard it poisons")
    void unsolicitedReplies() {
        Harness h = guarded(GuardPolicy.off().withAllowUnsolicited(false));
        resolveGateway(h);
        h.advance(5 * S); // past the lock time
        List<Action> a = h.frame(poison());
        assertThat(alerts(a)).containsExactly(Reason.UNSOLICITED);
        assertThat(only(a, Action.InstallNeighbor.class)).isEmpty();
        assertThat(h.hardware(GATEWAY)).isEqualTo(GW_HW);

        Harness plain = new Harness();
        resolveGateway(plain);
        plain.advance(5 * S);
        plain.frame(poison());
        assertThat(plain.hardware(GATEWAY)).isEqualTo(ATTACKER); // the control: Linux-like belief is poisoned
    }

    @Test
    @DisplayName("a new hardware address is believed only after the old station stays silent to a unicast request")
    void changeBelievedAfterSilence() {
        Harness h = guarded(GuardPolicy.off().withVerifyChanges(true));
        resolveGateway(h);
        h.advance(5 * S);
        HardwareAddress replacement = mac("02:00:00:00:00:fd");
        List<Action> a = h.frame(gratuitous(replacement, GATEWAY));
        assertThat(alerts(a)).containsExactly(Reason.VERIFYING);
        List<Sent> asked = sent(a);
        assertThat(asked).hasSize(1);
        assertThat(asked.getFirst().frame().destination()).isEqualTo(GW_HW); // unicast to the OLD one
        assertThat(asked.getFirst().packet().targetProtocol()).isEqualTo(ProtocolAddress.ip4(GATEWAY));
        assertThat(h.hardware(GATEWAY)).isEqualTo(GW_HW);
        List<Action> later = h.advance(S);
        assertThat(events(later)).extracting(EngineEvent::reason).contains(Reason.VERIFIED);
        assertThat(only(later, Action.InstallNeighbor.class)).extracting(Action.InstallNeighbor::hardware).containsExactly(replacement);
        assertThat(h.hardware(GATEWAY)).isEqualTo(replacement);
    }

    @Test
    @DisplayName("if the old station answers, the change is refused and reported as spoofing, and the claim stays refused")
    void oldStationAnswersSpoofing() {
        Harness h = guarded(GuardPolicy.off().withVerifyChanges(true));
        resolveGateway(h);
        h.advance(5 * S);
        h.frame(gratuitous(ATTACKER, GATEWAY));
        List<Action> answer = h.frame(reply(GW_HW, GATEWAY));
        assertThat(alerts(answer)).containsExactly(Reason.SPOOFING);
        assertThat(only(h.advance(5 * S), Action.InstallNeighbor.class)).noneMatch(i -> i.hardware().equals(ATTACKER));
        assertThat(h.hardware(GATEWAY)).isEqualTo(GW_HW);
        assertThat(alerts(h.frame(gratuitous(ATTACKER, GATEWAY)))).containsExactly(Reason.SPOOFING); // quarantined
        assertThat(sent(h.actions)).noneMatch(s -> s.frame().destination().equals(ATTACKER));
    }

    @Test
    @DisplayName("a frame whose link-layer source is not its ARP sender is ignored and reported")
    void senderConsistency() {
        Harness h = guarded(GuardPolicy.off().withSenderConsistency(true));
        byte[] f = arpFrame(BROADCAST, ATTACKER, EtherType.ARP, Opcode.REQUEST, PEER_HW, PEER, HardwareAddress.ofLong48(0), OUR_IP);
        List<Action> a = h.frame(f);
        assertThat(alerts(a)).containsExactly(Reason.SENDER_MISMATCH);
        assertThat(transmitted(a)).isEmpty();
        assertThat(h.state(PEER)).isNull();
        assertThat(transmitted(h.frame(request(PEER_HW, PEER, OUR_IP)))).hasSize(1); // a consistent one is answered
    }

    @Test
    @DisplayName("pinned bindings from the configuration are installed static and no frame changes them")
    void pinned() {
        Harness h = guarded(GuardPolicy.off().withPinned(Map.of(GATEWAY, GW_HW)));
        assertThat(h.state(GATEWAY)).isEqualTo(NeighborState.STATIC);
        h.frame(poison());
        h.frame(gratuitous(ATTACKER, GATEWAY));
        assertThat(h.hardware(GATEWAY)).isEqualTo(GW_HW);
        assertThat(h.engine.count(Reason.STATIC_ENTRY)).isEqualTo(2);
    }

    @Test
    @DisplayName("learnt then locked: a binding, once learnt, becomes static")
    void lockLearnt() {
        Harness h = guarded(GuardPolicy.off().withLockLearnt(true));
        h.frame(request(PEER_HW, PEER, OUR_IP));
        h.advance(10 * MS);
        assertThat(h.state(PEER)).isEqualTo(NeighborState.STATIC);
        assertThat(h.engine.count(Reason.PINNED)).isEqualTo(1);
        h.advance(60 * S);
        h.frame(gratuitous(ATTACKER, PEER));
        assertThat(h.hardware(PEER)).isEqualTo(PEER_HW);
    }

    @Test
    @DisplayName("arpwatch's reports: new station, changed station, flip flop, bogon (not learnt)")
    void stationEvents() {
        Harness h = guarded(GuardPolicy.off().withStationEvents(true, 16));
        HardwareAddress second = mac("02:00:00:00:00:08");
        assertThat(alerts(h.frame(request(PEER_HW, PEER, OUR_IP)))).containsExactly(Reason.NEW_STATION);
        assertThat(alerts(h.frame(request(PEER_HW, PEER, OUR_IP)))).isEmpty();
        assertThat(alerts(h.frame(gratuitous(second, PEER)))).containsExactly(Reason.CHANGED_STATION);
        assertThat(alerts(h.frame(gratuitous(PEER_HW, PEER)))).containsExactly(Reason.FLIP_FLOP);
        int outside = ip("198.51.100.9");
        List<Action> a = h.frame(request(mac("02:00:00:00:00:09"), outside, OUR_IP));
        assertThat(alerts(a)).containsExactly(Reason.BOGON);
        assertThat(h.state(outside)).isNull();
        assertThat(transmitted(a)).isEmpty();
    }

    @Test
    @DisplayName("the station table is bounded: the least recent station is forgotten (and new again)")
    void stationTableBounded() {
        Harness h = guarded(GuardPolicy.off().withStationEvents(true, 4));
        for (int i = 0; i < 5; i++) h.frame(request(mac("02:00:00:00:01:0" + i), ip("192.0.2.10") + i, OUR_IP));
        assertThat(h.engine.count(Reason.NEW_STATION)).isEqualTo(5);
        h.frame(request(mac("02:00:00:00:01:00"), ip("192.0.2.10"), OUR_IP)); // the first was forgotten
        assertThat(h.engine.count(Reason.NEW_STATION)).isEqualTo(6);
    }

    @Test
    @DisplayName("per-source rate limit: a flooding source is dropped beyond its burst, others are not; the table stays fixed")
    void perSourceLimit() {
        Harness h = guarded(GuardPolicy.off().withPerSource(new RateLimit(3, 1), 64));
        int answered = 0;
        for (int i = 0; i < 10; i++) answered += transmitted(h.frame(request(PEER_HW, PEER, OUR_IP))).size();
        assertThat(answered).isEqualTo(3);
        assertThat(h.engine.count(Reason.SOURCE_RATE_LIMITED)).isEqualTo(7);
        assertThat(transmitted(h.frame(request(mac("02:00:00:00:00:08"), ip("192.0.2.8"), OUR_IP)))).hasSize(1);
        h.advance(S);
        assertThat(transmitted(h.frame(request(PEER_HW, PEER, OUR_IP)))).hasSize(1); // the bucket refilled
        // A flood of forged sources: each gets its burst, memory stays the fixed 64 slots (no growth to check
        // beyond the policy's bound; the table is arrays sized once).
        for (int i = 0; i < 1000; i++) h.frame(request(HardwareAddress.ofLong48(0x020000100000L + i), ip("192.0.2.100"), OUR_IP));
        assertThat(h.engine.count(Reason.SOURCE_RATE_LIMITED)).isEqualTo(7);
    }

    static EngineEvent alert(List<Action> a) {
        return events(a).stream().filter(e -> e.kind() == Kind.ALERT).findFirst().orElseThrow();
    }

    @Test
    @DisplayName("every alert about a dispute names both hardware addresses: the claimed one and the one believed before")
    void alertsNameBothStations() {
        Harness unsolicited = guarded(GuardPolicy.off().withAllowUnsolicited(false));
        resolveGateway(unsolicited);
        unsolicited.advance(5 * S);
        EngineEvent u = alert(unsolicited.frame(poison()));
        assertThat(u.reason()).isEqualTo(Reason.UNSOLICITED);
        assertThat(u.address()).isEqualTo(GATEWAY);
        assertThat(u.hardware()).isEqualTo(ATTACKER);
        assertThat(u.knownHardware()).isEqualTo(GW_HW);

        Harness verify = guarded(GuardPolicy.off().withVerifyChanges(true));
        resolveGateway(verify);
        verify.advance(5 * S);
        EngineEvent v = alert(verify.frame(gratuitous(ATTACKER, GATEWAY)));
        assertThat(v.reason()).isEqualTo(Reason.VERIFYING);
        assertThat(v.knownHardware()).isEqualTo(GW_HW);
        EngineEvent spoof = alert(verify.frame(reply(GW_HW, GATEWAY))); // the old station answers: spoofing
        assertThat(spoof.reason()).isEqualTo(Reason.SPOOFING);
        assertThat(spoof.hardware()).isEqualTo(ATTACKER);
        assertThat(spoof.knownHardware()).isEqualTo(GW_HW);

        Harness consistency = guarded(GuardPolicy.off().withSenderConsistency(true));
        EngineEvent m = alert(consistency.frame(
                arpFrame(BROADCAST, ATTACKER, EtherType.ARP, Opcode.REQUEST, PEER_HW, PEER, HardwareAddress.ofLong48(0), OUR_IP)));
        assertThat(m.reason()).isEqualTo(Reason.SENDER_MISMATCH);
        assertThat(m.hardware()).isEqualTo(PEER_HW);
        assertThat(m.knownHardware()).isEqualTo(ATTACKER);

        Harness stations = guarded(GuardPolicy.off().withStationEvents(true, 16));
        HardwareAddress second = mac("02:00:00:00:00:08");
        stations.frame(request(PEER_HW, PEER, OUR_IP));
        EngineEvent changed = alert(stations.frame(gratuitous(second, PEER)));
        assertThat(changed.reason()).isEqualTo(Reason.CHANGED_STATION);
        assertThat(changed.hardware()).isEqualTo(second);
        assertThat(changed.knownHardware()).isEqualTo(PEER_HW);
        EngineEvent flip = alert(stations.frame(gratuitous(PEER_HW, PEER)));
        assertThat(flip.reason()).isEqualTo(Reason.FLIP_FLOP);
        assertThat(flip.knownHardware()).isEqualTo(second);
    }
}
