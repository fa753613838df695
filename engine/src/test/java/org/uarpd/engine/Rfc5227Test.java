package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.Harness.*;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.ProtocolAddress;

/** RFC 5227 for the host's addresses, every timing and count on the manual clock, and each defence. */
class Rfc5227Test {
    static final int ADDR = ip("192.0.2.50");
    static final HardwareAddress OTHER = mac("02:00:00:00:00:99");
    static final HardwareAddress ZERO = HardwareAddress.ofLong48(0);
    static final long TICK = MS; // the engine's timer tick: a timer fires on the first tick at or after its deadline

    /** A harness whose own first address (192.0.2.1, added by the harness) is already claimed and quiet. */
    static Harness harness(ConflictPolicy p, long seed) {
        Harness h = new Harness(EngineConfig.defaults().withSeed(seed)
                .withDefaultLink(LinkPolicy.authoritative().withConflict(p)));
        h.advance(60 * S);
        h.actions.clear();
        return h;
    }

    static boolean isProbe(Sent s, int address) {
        ArpPacket p = s.packet();
        return p.opcode() == Opcode.REQUEST && p.senderProtocol().equals(ProtocolAddress.ip4(0))
                && p.targetProtocol().equals(ProtocolAddress.ip4(address)) && p.targetHardware().equals(ZERO)
                && p.senderHardware().equals(OUR_HW) && s.frame().destination().equals(BROADCAST);
    }

    static boolean isAnnouncement(Sent s, int address) {
        ArpPacket p = s.packet();
        return p.opcode() == Opcode.REQUEST && p.senderProtocol().equals(ProtocolAddress.ip4(address))
                && p.targetProtocol().equals(ProtocolAddress.ip4(address)) && p.senderHardware().equals(OUR_HW)
                && s.frame().destination().equals(BROADCAST);
    }

    static byte[] probeFrom(HardwareAddress ethSource, HardwareAddress sha, int target) {
        return arpFrame(BROADCAST, ethSource, EtherType.ARP, Opcode.REQUEST, sha, 0, ZERO, target);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
    @DisplayName("probe: PROBE_WAIT random start, PROBE_NUM probes PROBE_MIN..PROBE_MAX apart, ANNOUNCE_WAIT, then ANNOUNCE_NUM announcements ANNOUNCE_INTERVAL apart")
    void probeThenAnnounceTimings(long seed) {
        Harness h = harness(ConflictPolicy.rfc5227(), seed);
        long added = h.now;
        List<Action> a = h.input(new Input.AddressAdded(LINK, ADDR, 24));
        assertThat(events(a)).extracting(EngineEvent::reason).contains(Reason.PROBING);
        List<Timed> sent = new java.util.ArrayList<>();
        for (Sent s : sent(a)) sent.add(new Timed(h.now, s));
        sent.addAll(h.advanceTimed(30 * S));
        assertThat(sent).hasSize(5);
        for (int i = 0; i < 3; i++) assertThat(isProbe(sent.get(i).sent(), ADDR)).as("probe %d", i).isTrue();
        for (int i = 3; i < 5; i++) assertThat(isAnnouncement(sent.get(i).sent(), ADDR)).as("announcement %d", i).isTrue();
        long wait = sent.get(0).time() - added;
        assertThat(wait).isBetween(0L, S + TICK);                                  // PROBE_WAIT
        for (int i = 1; i < 3; i++) {
            long gap = sent.get(i).time() - sent.get(i - 1).time();
            assertThat(gap).as("gap before probe %d", i).isBetween(S - TICK, 2 * S + TICK); // PROBE_MIN..PROBE_MAX
        }
        long announceWait = sent.get(3).time() - sent.get(2).time();
        assertThat(announceWait).isBetween(2 * S - TICK, 2 * S + TICK);           // ANNOUNCE_WAIT
        long interval = sent.get(4).time() - sent.get(3).time();
        assertThat(interval).isBetween(2 * S - TICK, 2 * S + TICK);               // ANNOUNCE_INTERVAL
        assertThat(h.engine.count(Reason.CLAIMED)).isEqualTo(2); // the harness's own address, then ADDR
        assertThat(h.engine.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    @DisplayName("the random delays (PROBE_WAIT, PROBE_MIN..PROBE_MAX) differ between seeds: drawn, not fixed")
    void delaysAreRandom() {
        java.util.Set<Long> firstProbe = new java.util.HashSet<>();
        java.util.Set<Long> probeGap = new java.util.HashSet<>();
        for (long seed = 1; seed <= 8; seed++) {
            Harness h = harness(ConflictPolicy.rfc5227(), seed);
            long added = h.now;
            h.input(new Input.AddressAdded(LINK, ADDR, 24));
            List<Timed> t = h.advanceTimed(30 * S);
            firstProbe.add(t.get(0).time() - added);
            probeGap.add(t.get(1).time() - t.get(0).time());
        }
        assertThat(firstProbe.size()).as("PROBE_WAIT draws").isGreaterThan(4);
        assertThat(probeGap.size()).as("PROBE_MIN..PROBE_MAX draws").isGreaterThan(4);
    }

    @Test
    @DisplayName("while probing the address is not answered for; once claimed it is")
    void tentativeNotAnswered() {
        Harness h = harness(ConflictPolicy.rfc5227(), 1);
        h.input(new Input.AddressAdded(LINK, ADDR, 24));
        HardwareAddress asker = mac("02:00:00:00:00:07");
        List<Action> a = h.frame(request(asker, ip("192.0.2.7"), ADDR));
        assertThat(transmitted(a)).isEmpty();
        h.advance(30 * S);
        assertThat(transmitted(h.frame(request(asker, ip("192.0.2.7"), ADDR)))).hasSize(1);
    }

    @Test
    @DisplayName("without probing, an added address is announced ANNOUNCE_NUM times ANNOUNCE_INTERVAL apart at once")
    void announceWithoutProbe() {
        Harness h = harness(ConflictPolicy.reportOnly().withAnnounce(true), 1);
        List<Sent> now = sent(h.input(new Input.AddressAdded(LINK, ADDR, 24)));
        assertThat(now).hasSize(1);
        assertThat(isAnnouncement(now.getFirst(), ADDR)).isTrue();
        List<Timed> later = h.advanceTimed(30 * S);
        assertThat(later).hasSize(1);
        assertThat(later.getFirst().time() - (h.now - 30 * S)).isBetween(2 * S - TICK, 2 * S + TICK);
    }

    @Test
    @DisplayName("a packet from another host with the probed address as sender is a conflict: probing stops, the address is removed")
    void probeConflictBySender() {
        Harness h = harness(ConflictPolicy.rfc5227(), 1);
        h.input(new Input.AddressAdded(LINK, ADDR, 24));
        h.advance(S + 500 * MS); // at least one probe out
        List<Action> a = h.frame(reply(OTHER, ADDR));
        assertThat(events(a)).filteredOn(e -> e.kind() == Kind.CONFLICT).extracting(EngineEvent::reason)
                .containsExactly(Reason.PROBE_CONFLICT);
        assertThat(only(a, Action.RemoveAddress.class)).containsExactly(new Action.RemoveAddress(LINK, ADDR, 24));
        assertThat(transmitted(h.advance(30 * S))).isEmpty();
        assertThat(h.state(ADDR)).isNull(); // not learnt
    }

    @Test
    @DisplayName("another host probing for the same address is a conflict; our own echoed probe is not")
    void probeConflictByProbe() {
        Harness h = harness(ConflictPolicy.rfc5227(), 1);
        h.input(new Input.AddressAdded(LINK, ADDR, 24));
        List<Action> echo = h.frame(probeFrom(OUR_HW, OUR_HW, ADDR));
        assertThat(events(echo)).extracting(EngineEvent::reason).containsExactly(Reason.OWN_FRAME);
        List<Action> a = h.frame(probeFrom(OTHER, OTHER, ADDR));
        assertThat(events(a)).extracting(EngineEvent::reason).contains(Reason.PROBE_CONFLICT);
        assertThat(only(a, Action.RemoveAddress.class)).hasSize(1);
    }

    @Test
    @DisplayName("a probe whose link-layer source differs from its ARP sender is ignored when so configured, a conflict otherwise")
    void mismatchedProbes() {
        HardwareAddress rewriter = mac("02:00:00:00:00:88");
        Harness lenient = harness(ConflictPolicy.rfc5227().withIgnoreMismatchedProbes(true), 1);
        lenient.input(new Input.AddressAdded(LINK, ADDR, 24));
        List<Action> a = lenient.frame(probeFrom(rewriter, OTHER, ADDR));
        assertThat(events(a)).extracting(EngineEvent::reason).containsExactly(Reason.MISMATCHED_PROBE);
        lenient.advance(30 * S);
        assertThat(lenient.engine.count(Reason.CLAIMED)).isEqualTo(2);

        Harness strict = harness(ConflictPolicy.rfc5227(), 1);
        strict.input(new Input.AddressAdded(LINK, ADDR, 24));
        assertThat(events(strict.frame(probeFrom(rewriter, OTHER, ADDR)))).extracting(EngineEvent::reason).contains(Reason.PROBE_CONFLICT);
    }

    @Test
    @DisplayName("after MAX_CONFLICTS conflicts, probe runs start at most once per RATE_LIMIT_INTERVAL")
    void maxConflictsRateLimit() {
        Harness h = harness(ConflictPolicy.rfc5227(), 3);
        long lastStart = 0;
        for (int i = 0; i < 10; i++) {
            int a = ADDR + 1 + i;
            long before = h.now;
            h.input(new Input.AddressAdded(LINK, a, 24));
            List<Timed> t = h.advanceTimed(S + TICK); // PROBE_WAIT: the first probe is out
            assertThat(t).as("conflict %d's first probe within PROBE_WAIT", i).hasSize(1);
            lastStart = t.getFirst().time();
            assertThat(lastStart - before).isLessThanOrEqualTo(S + TICK);
            h.frame(gratuitous(OTHER, a));
        }
        assertThat(h.engine.count(Reason.PROBE_CONFLICT)).isEqualTo(10);
        // The eleventh waits for RATE_LIMIT_INTERVAL after the tenth run started.
        List<Action> a = h.input(new Input.AddressAdded(LINK, ADDR + 20, 24));
        assertThat(events(a)).extracting(EngineEvent::reason).contains(Reason.CONFLICT_RATE_LIMIT);
        List<Timed> t = h.advanceTimed(120 * S);
        assertThat(t.getFirst().time() - lastStart).isBetween(60 * S, 60 * S + TICK);
        assertThat(isProbe(t.getFirst().sent(), ADDR + 20)).isTrue();
    }

    // -- defence (RFC 5227 §2.4) ------------------------------------------------------------------

    static Harness bound(Defense d) {
        Harness h = harness(ConflictPolicy.rfc5227().withProbe(false).withAnnounce(false).withDefense(d), 1);
        h.input(new Input.AddressAdded(LINK, ADDR, 24));
        h.actions.clear();
        return h;
    }

    static List<Reason> conflicts(List<Action> a) {
        return events(a).stream().filter(e -> e.kind() == Kind.CONFLICT).map(EngineEvent::reason).toList();
    }

    @Test
    @DisplayName("defence NEVER: the first conflicting packet makes uarpd give the address up")
    void defendNever() {
        Harness h = bound(Defense.NEVER);
        List<Action> a = h.frame(gratuitous(OTHER, ADDR));
        assertThat(conflicts(a)).containsExactly(Reason.YIELDED);
        assertThat(transmitted(a)).isEmpty();
        assertThat(only(a, Action.RemoveAddress.class)).containsExactly(new Action.RemoveAddress(LINK, ADDR, 24));
        assertThat(transmitted(h.frame(request(mac("02:00:00:00:00:07"), ip("192.0.2.7"), ADDR)))).isEmpty();
    }

    @Test
    @DisplayName("defence ONCE_THEN_YIELD: one announcement; a second conflict within DEFEND_INTERVAL yields")
    void defendOnceThenYield() {
        Harness h = bound(Defense.ONCE_THEN_YIELD);
        List<Action> first = h.frame(gratuitous(OTHER, ADDR));
        assertThat(conflicts(first)).containsExactly(Reason.DEFENDED);
        assertThat(sent(first)).hasSize(1);
        assertThat(isAnnouncement(sent(first).getFirst(), ADDR)).isTrue();
        h.advance(10 * S - TICK);
        List<Action> second = h.frame(gratuitous(OTHER, ADDR));
        assertThat(conflicts(second)).containsExactly(Reason.YIELDED);
        assertThat(transmitted(second)).isEmpty();
        assertThat(only(second, Action.RemoveAddress.class)).hasSize(1);
    }

    @Test
    @DisplayName("defence ONCE_THEN_YIELD: a conflict after DEFEND_INTERVAL is defended again")
    void defendOnceAgainAfterInterval() {
        Harness h = bound(Defense.ONCE_THEN_YIELD);
        h.frame(gratuitous(OTHER, ADDR));
        h.advance(10 * S);
        List<Action> again = h.frame(gratuitous(OTHER, ADDR));
        assertThat(conflicts(again)).containsExactly(Reason.DEFENDED);
        assertThat(transmitted(again)).hasSize(1);
    }

    @Test
    @DisplayName("defence ALWAYS: never yields, at most one announcement per DEFEND_INTERVAL")
    void defendAlways() {
        Harness h = bound(Defense.ALWAYS);
        int announcements = 0;
        for (int i = 0; i < 25; i++) { // a conflicting packet every second for 25 s
            List<Action> a = h.frame(gratuitous(OTHER, ADDR));
            announcements += transmitted(a).size();
            assertThat(only(a, Action.RemoveAddress.class)).isEmpty();
            h.advance(S);
        }
        assertThat(announcements).isEqualTo(3); // at 0, 10 and 20 s
        assertThat(h.engine.count(Reason.DEFENDED)).isEqualTo(3);
        assertThat(h.engine.count(Reason.DEFEND_INTERVAL)).isEqualTo(22);
        assertThat(transmitted(h.frame(request(mac("02:00:00:00:00:07"), ip("192.0.2.7"), ADDR)))).hasSize(1);
    }

    @Test
    @DisplayName("the defence is chosen per address; REPORT only reports")
    void perAddressAndReport() {
        int kept = ip("192.0.2.60");
        Harness h = harness(ConflictPolicy.reportOnly().withDefense(Defense.NEVER).withRemoveOnConflict(true)
                .withDefense(kept, Defense.REPORT), 1);
        h.input(new Input.AddressAdded(LINK, ADDR, 24));
        h.input(new Input.AddressAdded(LINK, kept, 24));
        List<Action> a = h.frame(gratuitous(OTHER, kept));
        assertThat(conflicts(a)).containsExactly(Reason.ADDRESS_CONFLICT);
        assertThat(transmitted(a)).isEmpty();
        assertThat(only(a, Action.RemoveAddress.class)).isEmpty();
        assertThat(conflicts(h.frame(gratuitous(OTHER, ADDR)))).containsExactly(Reason.YIELDED);
    }

    @Test
    @DisplayName("without removeOnConflict a lost address stays in the kernel but is no longer answered for")
    void lostWithoutRemoval() {
        Harness h = harness(ConflictPolicy.rfc5227().withProbe(false).withAnnounce(false).withDefense(Defense.NEVER)
                .withRemoveOnConflict(false), 1);
        h.input(new Input.AddressAdded(LINK, ADDR, 24));
        List<Action> a = h.frame(gratuitous(OTHER, ADDR));
        assertThat(only(a, Action.RemoveAddress.class)).isEmpty();
        assertThat(transmitted(h.frame(request(mac("02:00:00:00:00:07"), ip("192.0.2.7"), ADDR)))).isEmpty();
        assertThat(conflicts(h.frame(gratuitous(OTHER, ADDR)))).containsExactly(Reason.ADDRESS_CONFLICT);
    }

    @Test
    @DisplayName("removing a claimed address cancels only its own timers, never another task's (a delayed reply here)")
    void removedClaimLeavesOtherTimersAlone() {
        Harness h = harness(ConflictPolicy.rfc5227(), 1);
        h.input(new Input.AddressAdded(LINK, ADDR, 24));
        h.advance(30 * S); // probed, claimed, announced: the claim has nothing left to wait for
        assertThat(h.engine.nextDeadline()).isEqualTo(Long.MAX_VALUE);
        int published = ip("192.0.2.60");
        h.command(new OperatorCommand.Publish(LINK, PublishedEntry.address(published).withReplyDelay(500 * MS)));
        assertThat(transmitted(h.frame(request(OTHER, ip("192.0.2.7"), published)))).isEmpty(); // delayed
        h.input(new Input.AddressRemoved(LINK, ADDR, 24));
        List<ArpPacket> later = transmitted(h.advance(S));
        assertThat(later).singleElement().satisfies(p -> {
            assertThat(p.opcode()).isEqualTo(Opcode.REPLY);
            assertThat(p.senderProtocol()).isEqualTo(ProtocolAddress.ip4(published));
        });
    }
}
