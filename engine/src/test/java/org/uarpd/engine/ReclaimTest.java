package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.Harness.*;
import static org.uarpd.engine.Rfc5227Test.ADDR;
import static org.uarpd.engine.Rfc5227Test.OTHER;
import static org.uarpd.engine.Rfc5227Test.conflicts;
import static org.uarpd.engine.Rfc5227Test.isAnnouncement;
import static org.uarpd.engine.Rfc5227Test.isProbe;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.HardwareAddress;

/**
 * Nothing about a claim is silent: conflict events name both stations, {@link Engine#claims()} shows
 * each address's state (a yielded one included), and {@link OperatorCommand.Reclaim} takes a yielded
 * address back with a fresh RFC 5227 probe run, on the manual clock.
 */
class ReclaimTest {
    static final HardwareAddress PEER_HW = mac("02:00:00:00:00:07");
    static final int PEER_IP = ip("192.0.2.7");

    /** `--defend once` without removal: the spoofing scenario of an operator's report. */
    static Harness yielded() {
        Harness h = Rfc5227Test.harness(ConflictPolicy.rfc5227().withProbe(false).withAnnounce(false)
                .withDefense(Defense.ONCE_THEN_YIELD).withRemoveOnConflict(false), 1);
        h.input(new Input.AddressAdded(LINK, ADDR, 24));
        assertThat(conflicts(h.frame(gratuitous(OTHER, ADDR)))).containsExactly(Reason.DEFENDED);
        assertThat(conflicts(h.frame(gratuitous(OTHER, ADDR)))).containsExactly(Reason.YIELDED);
        h.actions.clear();
        return h;
    }

    static AddressClaim claim(Harness h, int address) {
        return h.engine.claims().stream().filter(c -> c.link() == LINK && c.address() == address).findFirst().orElse(null);
    }

    static boolean answered(Harness h, int address) {
        return transmitted(h.frame(request(PEER_HW, PEER_IP, address))).stream()
                .anyMatch(p -> p.opcode() == org.uarpd.wire.Opcode.REPLY);
    }

    @Test
    @DisplayName("each conflict event names the address, the other host's hardware address and ours")
    void conflictEventsCarryBothMacs() {
        Harness h = Rfc5227Test.harness(ConflictPolicy.rfc5227().withProbe(false).withAnnounce(false)
                .withDefense(Defense.ONCE_THEN_YIELD).withRemoveOnConflict(false), 1);
        h.input(new Input.AddressAdded(LINK, ADDR, 24));
        h.frame(gratuitous(OTHER, ADDR));
        h.frame(gratuitous(OTHER, ADDR));
        h.frame(gratuitous(OTHER, ADDR)); // after yielding: reported, still with both
        List<EngineEvent> conflicts = events(h.actions).stream().filter(e -> e.kind() == Kind.CONFLICT).toList();
        assertThat(conflicts).extracting(EngineEvent::reason)
                .containsExactly(Reason.DEFENDED, Reason.YIELDED, Reason.ADDRESS_CONFLICT);
        assertThat(conflicts).allSatisfy(e -> {
            assertThat(e.address()).isEqualTo(ADDR);
            assertThat(e.hardware()).isEqualTo(OTHER);
            assertThat(e.knownHardware()).isEqualTo(OUR_HW);
        });
    }

    @Test
    @DisplayName("a probe conflict names both stations too")
    void probeConflictCarriesBothMacs() {
        Harness h = Rfc5227Test.harness(ConflictPolicy.rfc5227().withRemoveOnConflict(false), 1);
        h.input(new Input.AddressAdded(LINK, ADDR, 24));
        List<EngineEvent> e = events(h.frame(Rfc5227Test.probeFrom(OTHER, OTHER, ADDR))).stream()
                .filter(x -> x.kind() == Kind.CONFLICT).toList();
        assertThat(e).singleElement().satisfies(x -> {
            assertThat(x.reason()).isEqualTo(Reason.PROBE_CONFLICT);
            assertThat(x.hardware()).isEqualTo(OTHER);
            assertThat(x.knownHardware()).isEqualTo(OUR_HW);
        });
        assertThat(claim(h, ADDR).state()).isEqualTo(AddressClaim.State.YIELDED);
    }

    @Test
    @DisplayName("claims() shows probing, announcing, bound, defending and yielded as they happen")
    void claimStates() {
        Harness h = Rfc5227Test.harness(ConflictPolicy.rfc5227().withRemoveOnConflict(false), 1);
        h.input(new Input.AddressAdded(LINK, ADDR, 24));
        assertThat(claim(h, ADDR).state()).isEqualTo(AddressClaim.State.PROBING);
        assertThat(claim(h, ADDR).prefixLength()).isEqualTo(24);
        // Past the probes and ANNOUNCE_WAIT (at most 1 + 2 × 2 + 2 s), the first announcement sent, the second due.
        boolean sawAnnouncing = false;
        for (int i = 0; i < 100 && claim(h, ADDR).state() != AddressClaim.State.BOUND; i++) {
            h.advance(100 * MS);
            sawAnnouncing |= claim(h, ADDR).state() == AddressClaim.State.ANNOUNCING;
        }
        assertThat(sawAnnouncing).isTrue();
        assertThat(claim(h, ADDR).state()).isEqualTo(AddressClaim.State.BOUND);
        assertThat(claim(h, ADDR).claimant()).isNull();
        h.frame(gratuitous(OTHER, ADDR));
        assertThat(claim(h, ADDR).state()).isEqualTo(AddressClaim.State.DEFENDING);
        assertThat(claim(h, ADDR).claimant()).isEqualTo(OTHER);
        h.advance(10 * S); // DEFEND_INTERVAL over
        assertThat(claim(h, ADDR).state()).isEqualTo(AddressClaim.State.BOUND);
        h.frame(gratuitous(OTHER, ADDR));
        h.frame(gratuitous(OTHER, ADDR));
        assertThat(claim(h, ADDR).state()).isEqualTo(AddressClaim.State.YIELDED);
        // The harness's own first address, never disputed, is listed too.
        assertThat(claim(h, OUR_IP).state()).isEqualTo(AddressClaim.State.BOUND);
    }

    @Test
    @DisplayName("Reclaim: a yielded address is probed for afresh, announced, and answered for again")
    void reclaimSucceeds() {
        Harness h = yielded();
        assertThat(claim(h, ADDR).state()).isEqualTo(AddressClaim.State.YIELDED);
        assertThat(claim(h, ADDR).claimant()).isEqualTo(OTHER);
        assertThat(answered(h, ADDR)).isFalse();

        List<Action> a = h.command(new OperatorCommand.Reclaim(LINK, ADDR));
        assertThat(events(a)).filteredOn(e -> e.kind() == Kind.CLAIMED).extracting(EngineEvent::reason)
                .containsExactly(Reason.RECLAIMING, Reason.PROBING);
        assertThat(claim(h, ADDR).state()).isEqualTo(AddressClaim.State.PROBING);
        assertThat(answered(h, ADDR)).isFalse(); // not ours until the probes pass

        List<Timed> sent = new java.util.ArrayList<>();
        for (Sent s : sent(a)) sent.add(new Timed(h.now, s));
        sent.addAll(h.advanceTimed(30 * S));
        List<Sent> ours = sent.stream().map(Timed::sent).filter(s -> isProbe(s, ADDR) || isAnnouncement(s, ADDR)).toList();
        assertThat(ours).hasSize(5);
        for (int i = 0; i < 3; i++) assertThat(isProbe(ours.get(i), ADDR)).as("probe %d", i).isTrue();
        // Announced after reclaiming even though this link's policy does not announce on its own.
        for (int i = 3; i < 5; i++) assertThat(isAnnouncement(ours.get(i), ADDR)).as("announcement %d", i).isTrue();
        assertThat(events(h.actions)).filteredOn(e -> e.kind() == Kind.CLAIMED).extracting(EngineEvent::reason)
                .contains(Reason.CLAIMED);
        assertThat(claim(h, ADDR).state()).isEqualTo(AddressClaim.State.BOUND);
        assertThat(answered(h, ADDR)).isTrue();
    }

    @Test
    @DisplayName("Reclaim while the other host still uses the address: yielded again, never announced")
    void reclaimWhileConflicting() {
        Harness h = yielded();
        h.command(new OperatorCommand.Reclaim(LINK, ADDR));
        h.advance(1500 * MS); // inside the probe run (PROBE_WAIT ≤ 1 s, then probes 1..2 s apart)
        List<Action> a = h.frame(gratuitous(OTHER, ADDR));
        assertThat(events(a)).filteredOn(e -> e.kind() == Kind.CONFLICT).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(Reason.PROBE_CONFLICT);
            assertThat(e.hardware()).isEqualTo(OTHER);
            assertThat(e.knownHardware()).isEqualTo(OUR_HW);
        });
        assertThat(claim(h, ADDR).state()).isEqualTo(AddressClaim.State.YIELDED);
        List<Sent> later = sent(h.advance(30 * S));
        assertThat(later).noneMatch(s -> isProbe(s, ADDR) || isAnnouncement(s, ADDR));
        assertThat(answered(h, ADDR)).isFalse();
        // Another host's probe for it during a second reclaim counts as a conflict as well (§2.1.1).
        h.command(new OperatorCommand.Reclaim(LINK, ADDR));
        h.advance(1500 * MS);
        assertThat(conflicts(h.frame(Rfc5227Test.probeFrom(OTHER, OTHER, ADDR)))).containsExactly(Reason.PROBE_CONFLICT);
        assertThat(claim(h, ADDR).state()).isEqualTo(AddressClaim.State.YIELDED);
    }

    @Test
    @DisplayName("Reclaim of an address not yielded changes nothing; of an unknown link is dropped")
    void reclaimRefused() {
        Harness h = yielded();
        List<Action> a = h.command(new OperatorCommand.Reclaim(LINK, OUR_IP));
        assertThat(events(a)).extracting(EngineEvent::reason).containsExactly(Reason.NOT_YIELDED);
        assertThat(transmitted(a)).isEmpty();
        assertThat(claim(h, OUR_IP).state()).isEqualTo(AddressClaim.State.BOUND);
        assertThat(events(h.command(new OperatorCommand.Reclaim(LINK, ip("192.0.2.99"))))).extracting(EngineEvent::reason)
                .containsExactly(Reason.NOT_YIELDED);
        assertThat(events(h.command(new OperatorCommand.Reclaim(77, ADDR)))).extracting(EngineEvent::reason)
                .containsExactly(Reason.UNKNOWN_LINK);
        assertThat(h.advance(30 * S)).noneMatch(x -> x instanceof Action.Transmit);
    }
}
