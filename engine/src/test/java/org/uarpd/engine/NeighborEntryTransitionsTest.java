package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.EngineEvent.Kind.ADDED;
import static org.uarpd.engine.EngineEvent.Kind.CHANGED;
import static org.uarpd.engine.EngineEvent.Kind.REMOVED;
import static org.uarpd.engine.EngineEvent.Kind.REQUESTED;
import static org.uarpd.engine.EngineEvent.Kind.RESOLVED;
import static org.uarpd.engine.Harness.*;
import static org.uarpd.engine.NeighborState.*;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.ProtocolAddress;

/**
 * Every transition of one neighbour entry, in our words after the transition table of gVisor's
 * pkg/tcpip/stack/neighbor_entry_test.go, driven through the engine's inputs on a manual clock.
 */
class NeighborEntryTransitionsTest {
    static final int PEER = ip("192.0.2.7");
    static final HardwareAddress HW1 = mac("02:00:00:00:00:07");
    static final HardwareAddress HW2 = mac("02:00:00:00:00:08");

    /** A reply from the peer that was not sent to us (broadcast): no confirmation, ARP's "unsolicited". */
    static byte[] overheardReply(HardwareAddress hw) {
        return arpFrame(BROADCAST, hw, EtherType.ARP, Opcode.REPLY, hw, PEER, HardwareAddress.ofLong48(0), ip("192.0.2.99"));
    }

    Harness resolved() {
        Harness h = new Harness();
        h.miss(PEER);
        h.advance(MS);
        h.frame(reply(HW1, PEER));
        assertThat(h.state(PEER)).isEqualTo(REACHABLE);
        h.actions.clear();
        return h;
    }

    Harness stale() {
        Harness h = new Harness();
        h.frame(request(HW1, PEER, OUR_IP));
        assertThat(h.state(PEER)).isEqualTo(STALE);
        h.actions.clear();
        return h;
    }

    Harness delayed() {
        Harness h = stale();
        h.miss(PEER);
        assertThat(h.state(PEER)).isEqualTo(DELAY);
        h.actions.clear();
        return h;
    }

    Harness probing() {
        Harness h = delayed();
        h.advance(5 * S);
        assertThat(h.state(PEER)).isEqualTo(PROBE);
        h.actions.clear();
        return h;
    }

    @Test
    @DisplayName("gVisor entry: Unknown stays Unknown on a confirmation for an address never asked for")
    void unknownConfirmation() {
        Harness h = new Harness();
        List<Action> a = h.frame(reply(HW1, PEER));
        assertThat(h.state(PEER)).isNull();
        assertThat(only(a, Action.InstallNeighbor.class)).isEmpty();
        assertThat(events(a)).extracting(EngineEvent::reason).containsExactly(Reason.UNSOLICITED);
    }

    @Test
    @DisplayName("gVisor entry: Unknown → Incomplete when a packet is queued (kernel miss): one broadcast probe")
    void unknownToIncomplete() {
        Harness h = new Harness();
        List<Action> a = h.miss(PEER);
        assertThat(h.state(PEER)).isEqualTo(INCOMPLETE);
        assertThat(sent(a)).singleElement().satisfies(s -> {
            assertThat(s.frame().destination()).isEqualTo(BROADCAST);
            assertThat(s.packet().targetProtocol()).isEqualTo(ProtocolAddress.ip4(PEER));
        });
        assertThat(events(a)).extracting(EngineEvent::kind).containsExactly(ADDED, REQUESTED);
    }

    @Test
    @DisplayName("gVisor entry: Unknown → Stale on a probe (request to us) from an unknown address")
    void unknownToStale() {
        Harness h = new Harness();
        List<Action> a = h.frame(request(HW1, PEER, OUR_IP));
        assertThat(h.state(PEER)).isEqualTo(STALE);
        assertThat(h.hardware(PEER)).isEqualTo(HW1);
        assertThat(events(a)).filteredOn(e -> e.kind() == ADDED).singleElement()
                .satisfies(e -> assertThat(e.state()).isEqualTo(STALE));
    }

    @Test
    @DisplayName("gVisor entry: Incomplete → Incomplete on retransmit: probes repeat, the start time does not move")
    void incompleteRetransmits() {
        Harness h = new Harness();
        h.miss(PEER);
        List<Action> a = h.advance(1 * S);
        assertThat(transmitted(a)).hasSize(1);
        a = h.advance(1 * S);
        assertThat(transmitted(a)).hasSize(1);
        assertThat(h.state(PEER)).isEqualTo(INCOMPLETE);
        assertThat(events(h.actions)).noneMatch(e -> e.kind() == CHANGED);
        h.advance(500 * MS);
        // latency measured from the first probe, not the last
        List<Action> r = h.frame(reply(HW1, PEER));
        assertThat(events(r)).filteredOn(e -> e.kind() == RESOLVED).singleElement()
                .satisfies(e -> assertThat(e.latencyNanos()).isEqualTo(2500 * MS));
    }

    @Test
    @DisplayName("gVisor entry: Incomplete → Reachable on a solicited confirmation: installed REACHABLE")
    void incompleteToReachable() {
        Harness h = new Harness();
        h.miss(PEER);
        List<Action> a = h.frame(reply(HW1, PEER));
        assertThat(h.state(PEER)).isEqualTo(REACHABLE);
        assertThat(only(a, Action.InstallNeighbor.class)).containsExactly(new Action.InstallNeighbor(LINK, PEER, HW1, REACHABLE));
        assertThat(h.engine.pendingResolutions()).isZero();
    }

    @Test
    @DisplayName("gVisor entry: Incomplete → Stale on an unsolicited confirmation (overheard reply): installed STALE")
    void incompleteToStale() {
        Harness h = new Harness();
        h.miss(PEER);
        List<Action> a = h.frame(overheardReply(HW1));
        assertThat(h.state(PEER)).isEqualTo(STALE);
        assertThat(only(a, Action.InstallNeighbor.class)).containsExactly(new Action.InstallNeighbor(LINK, PEER, HW1, STALE));
    }

    @Test
    @DisplayName("gVisor entry: Incomplete → Failed after the last probe: kernel told, held packets get host-unreachable")
    void incompleteToFailed() {
        Harness h = new Harness();
        h.miss(PEER);
        h.advance(2 * S);
        assertThat(transmitted(h.actions)).hasSize(3);
        assertThat(h.state(PEER)).isEqualTo(INCOMPLETE);
        List<Action> a = h.advance(1 * S);
        assertThat(h.state(PEER)).isEqualTo(FAILED);
        assertThat(transmitted(a)).isEmpty();
        assertThat(only(a, Action.RemoveNeighbor.class)).containsExactly(new Action.RemoveNeighbor(LINK, PEER, true));
        assertThat(events(a)).extracting(EngineEvent::kind).contains(EngineEvent.Kind.FAILED);
    }

    @Test
    @DisplayName("gVisor entry: Reachable → Stale when the reachable time (randomised 0.5–1.5×) runs out")
    void reachableToStaleOnTimer() {
        Harness h = resolved();
        h.advance(15 * S - 2 * MS);
        assertThat(h.state(PEER)).isEqualTo(REACHABLE);
        h.advance(30 * S + 2 * MS);
        assertThat(h.state(PEER)).isEqualTo(STALE);
        assertThat(events(h.actions)).filteredOn(e -> e.kind() == CHANGED).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.REACHABLE_TIMEOUT));
    }

    @Test
    @DisplayName("reachable times are drawn per entry from [0.5, 1.5) × base, from the configured seed")
    void reachableTimesSpread() {
        java.util.Map<Long, List<Long>> bySeed = new java.util.HashMap<>();
        for (long seed : new long[] {1, 2, 1}) {
            Harness h = new Harness(EngineConfig.defaults().withSeed(seed).withBounds(1000, 4, 1000)
                    .withRateLimits(new RateLimit(1000, 1000), new RateLimit(3, 1)));
            long start = h.now;
            for (int i = 0; i < 100; i++) {
                h.miss(ip("192.0.2.0") + 10 + i);
                h.frame(reply(HardwareAddress.ofLong48(0x020000000100L + i), ip("192.0.2.0") + 10 + i));
            }
            h.actions.clear();
            h.advance(46 * S);
            List<Long> staleAt = events(h.actions).stream().filter(e -> e.reason() == Reason.REACHABLE_TIMEOUT)
                    .map(e -> e.time() - start).toList();
            assertThat(staleAt).hasSize(100).allSatisfy(t -> assertThat(t).isBetween(15 * S, 45 * S + MS));
            assertThat(staleAt.stream().distinct().count()).isGreaterThan(50);
            if (bySeed.containsKey(seed)) assertThat(staleAt).isEqualTo(bySeed.get(seed));
            bySeed.put(seed, staleAt);
        }
        assertThat(bySeed.get(1L)).isNotEqualTo(bySeed.get(2L));
    }

    @Test
    @DisplayName("gVisor entry: Reachable → Stale on a probe with a different address (after the lock time)")
    void reachableToStaleOnNewAddress() {
        Harness h = resolved();
        h.advance(2 * S);
        List<Action> a = h.frame(request(HW2, PEER, OUR_IP));
        assertThat(h.state(PEER)).isEqualTo(STALE);
        assertThat(h.hardware(PEER)).isEqualTo(HW2);
        assertThat(only(a, Action.InstallNeighbor.class)).containsExactly(new Action.InstallNeighbor(LINK, PEER, HW2, STALE));
    }

    @Test
    @DisplayName("gVisor entry: Reachable stays Reachable on a confirmation with the same address")
    void reachableConfirmed() {
        Harness h = resolved();
        List<Action> a = h.frame(reply(HW1, PEER));
        assertThat(h.state(PEER)).isEqualTo(REACHABLE);
        assertThat(events(a)).isEmpty();
    }

    @Test
    @DisplayName("gVisor entry: Stale → Reachable on a solicited override confirmation: new address installed")
    void staleToReachable() {
        Harness h = stale();
        h.advance(2 * S);
        List<Action> a = h.frame(reply(HW2, PEER));
        assertThat(h.state(PEER)).isEqualTo(REACHABLE);
        assertThat(h.hardware(PEER)).isEqualTo(HW2);
        assertThat(only(a, Action.InstallNeighbor.class)).containsExactly(new Action.InstallNeighbor(LINK, PEER, HW2, REACHABLE));
    }

    @Test
    @DisplayName("gVisor entry: Stale → Stale on an override confirmation (overheard reply) with a new address")
    void staleOverride() {
        Harness h = stale();
        h.advance(2 * S);
        h.frame(overheardReply(HW2));
        assertThat(h.state(PEER)).isEqualTo(STALE);
        assertThat(h.hardware(PEER)).isEqualTo(HW2);
    }

    @Test
    @DisplayName("gVisor entry: Stale → Stale on a probe with a different address")
    void staleProbeNewAddress() {
        Harness h = stale();
        h.advance(2 * S);
        List<Action> a = h.frame(request(HW2, PEER, OUR_IP));
        assertThat(h.state(PEER)).isEqualTo(STALE);
        assertThat(h.hardware(PEER)).isEqualTo(HW2);
        assertThat(events(a)).extracting(EngineEvent::kind).contains(CHANGED);
    }

    @Test
    @DisplayName("gVisor entry: Stale → Delay when a packet is sent (kernel miss served from the cache)")
    void staleToDelay() {
        Harness h = stale();
        List<Action> a = h.miss(PEER);
        assertThat(h.state(PEER)).isEqualTo(DELAY);
        assertThat(only(a, Action.InstallNeighbor.class)).containsExactly(new Action.InstallNeighbor(LINK, PEER, HW1, STALE));
        assertThat(transmitted(a)).isEmpty();
    }

    @Test
    @DisplayName("gVisor entry: Delay → Reachable on a confirmation")
    void delayToReachable() {
        Harness h = delayed();
        List<Action> a = h.frame(reply(HW1, PEER));
        assertThat(h.state(PEER)).isEqualTo(REACHABLE);
        assertThat(only(a, Action.InstallNeighbor.class)).containsExactly(new Action.InstallNeighbor(LINK, PEER, HW1, REACHABLE));
    }

    @Test
    @DisplayName("gVisor entry: Delay → Stale on a probe with a different address")
    void delayToStale() {
        Harness h = delayed();
        h.advance(2 * S);
        h.frame(request(HW2, PEER, OUR_IP));
        assertThat(h.state(PEER)).isEqualTo(STALE);
        assertThat(h.hardware(PEER)).isEqualTo(HW2);
    }

    @Test
    @DisplayName("gVisor entry: Delay → Probe when the delay runs out: a unicast probe to the cached address")
    void delayToProbe() {
        Harness h = delayed();
        h.advance(5 * S - MS);
        assertThat(h.state(PEER)).isEqualTo(DELAY);
        List<Action> a = h.advance(MS);
        assertThat(h.state(PEER)).isEqualTo(PROBE);
        assertThat(sent(a)).singleElement().satisfies(s -> {
            assertThat(s.frame().destination()).isEqualTo(HW1);
            assertThat(s.packet().opcode()).isEqualTo(Opcode.REQUEST);
        });
    }

    @Test
    @DisplayName("gVisor entry: Probe → Reachable on a solicited confirmation with the same address")
    void probeToReachableSame() {
        Harness h = probing();
        List<Action> a = h.frame(reply(HW1, PEER));
        assertThat(h.state(PEER)).isEqualTo(REACHABLE);
        assertThat(only(a, Action.InstallNeighbor.class)).hasSize(1);
    }

    @Test
    @DisplayName("gVisor entry: Probe → Reachable on a solicited override confirmation with a new address")
    void probeToReachableOverride() {
        Harness h = probing();
        List<Action> a = h.frame(reply(HW2, PEER));
        assertThat(h.state(PEER)).isEqualTo(REACHABLE);
        assertThat(h.hardware(PEER)).isEqualTo(HW2);
        assertThat(only(a, Action.InstallNeighbor.class)).containsExactly(new Action.InstallNeighbor(LINK, PEER, HW2, REACHABLE));
    }

    @Test
    @DisplayName("gVisor entry: Probe → Stale on a probe with a different address")
    void probeToStale() {
        Harness h = probing();
        h.frame(request(HW2, PEER, OUR_IP));
        assertThat(h.state(PEER)).isEqualTo(STALE);
        assertThat(h.hardware(PEER)).isEqualTo(HW2);
    }

    @Test
    @DisplayName("gVisor entry: Probe → Probe on retransmit, then Probe → Failed after the unicast budget")
    void probeRetransmitsThenFails() {
        Harness h = probing();
        List<Action> a = h.advance(2 * S);
        assertThat(sent(a)).hasSize(2).allSatisfy(s -> assertThat(s.frame().destination()).isEqualTo(HW1));
        assertThat(h.state(PEER)).isEqualTo(PROBE);
        a = h.advance(S);
        assertThat(h.state(PEER)).isEqualTo(FAILED);
        assertThat(only(a, Action.RemoveNeighbor.class)).containsExactly(new Action.RemoveNeighbor(LINK, PEER, true));
    }

    @Test
    @DisplayName("gVisor entry: Failed → Unknown when the unreachability (negative-cache) time runs out")
    void failedToUnknown() {
        Harness h = new Harness();
        h.miss(PEER);
        h.advance(3 * S);
        assertThat(h.state(PEER)).isEqualTo(FAILED);
        // Within the negative-cache time a miss fails at once, without a request.
        List<Action> a = h.miss(PEER);
        assertThat(transmitted(a)).isEmpty();
        assertThat(only(a, Action.RemoveNeighbor.class)).containsExactly(new Action.RemoveNeighbor(LINK, PEER, true));
        h.advance(20 * S);
        assertThat(h.state(PEER)).isNull();
        assertThat(events(h.actions)).last().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(REMOVED);
            assertThat(e.reason()).isEqualTo(Reason.NEGATIVE_CACHE_EXPIRED);
        });
    }

    @Test
    @DisplayName("Linux locktime: a different address within the lock time of the last update is ignored")
    void lockTime() {
        Harness h = resolved();
        List<Action> a = h.frame(reply(HW2, PEER));
        assertThat(h.hardware(PEER)).isEqualTo(HW1);
        assertThat(events(a)).extracting(EngineEvent::reason).containsExactly(Reason.LOCKED);
        h.advance(1 * S);
        h.frame(reply(HW2, PEER));
        assertThat(h.hardware(PEER)).isEqualTo(HW2);
    }

    @Test
    @DisplayName("kernel re-check (NUD_PROBE with the address it holds) on a stale entry probes by unicast at once")
    void kernelRecheck() {
        Harness h = stale();
        List<Action> a = h.input(new Input.KernelMiss(LINK, PEER, 0, HW1));
        assertThat(h.state(PEER)).isEqualTo(PROBE);
        assertThat(sent(a)).singleElement().satisfies(s -> assertThat(s.frame().destination()).isEqualTo(HW1));
        List<Action> r = h.frame(reply(HW1, PEER));
        assertThat(only(r, Action.InstallNeighbor.class)).containsExactly(new Action.InstallNeighbor(LINK, PEER, HW1, REACHABLE));
    }

    @Test
    @DisplayName("the largest probe budget (100 unicast + 100 broadcast re-probes) is counted out exactly")
    void largestBudget() {
        EngineConfig c = EngineConfig.defaults().withTimers(NeighborTimers.defaults().withProbes(100, 3, 100))
                .withRateLimits(new RateLimit(1000, 1000), new RateLimit(1000, 1000));
        Harness h = probing(c);
        h.advance(200 * S + MS);
        assertThat(h.state(PEER)).isEqualTo(FAILED);
        List<Sent> s = sent(h.actions);
        assertThat(s).hasSize(200);
        assertThat(s.subList(0, 100)).allSatisfy(x -> assertThat(x.frame().destination()).isEqualTo(HW1));
        assertThat(s.subList(100, 200)).allSatisfy(x -> assertThat(x.frame().destination()).isEqualTo(BROADCAST));
    }

    Harness probing(EngineConfig c) {
        Harness h = new Harness(c);
        h.frame(request(HW1, PEER, OUR_IP));
        h.actions.clear();
        h.command(new OperatorCommand.Probe(LINK, PEER));
        assertThat(h.state(PEER)).isEqualTo(PROBE);
        return h;
    }

    @Test
    @DisplayName("an own-need probe of a stale entry checks it by unicast at once")
    void ownNeedOnStale() {
        Harness h = stale();
        List<Action> a = h.command(new OperatorCommand.Probe(LINK, PEER));
        assertThat(h.state(PEER)).isEqualTo(PROBE);
        assertThat(sent(a)).singleElement().satisfies(s -> assertThat(s.frame().destination()).isEqualTo(HW1));
        assertThat(only(h.frame(reply(HW1, PEER)), Action.InstallNeighbor.class))
                .containsExactly(new Action.InstallNeighbor(LINK, PEER, HW1, REACHABLE));
    }

    @Test
    @DisplayName("the probe count the kernel reports counts against the broadcast budget")
    void kernelProbeCount() {
        Harness h = new Harness();
        h.input(new Input.KernelMiss(LINK, PEER, 2, null));
        h.advance(5 * S);
        assertThat(transmitted(h.actions)).hasSize(1);
        assertThat(h.state(PEER)).isEqualTo(FAILED);
    }

    @Test
    @DisplayName("RFC 7048 backoff: retransmit intervals double up to the cap")
    void backoff() {
        EngineConfig c = EngineConfig.defaults().withTimers(NeighborTimers.defaults().withProbes(3, 5, 0).withBackoff(true, 4 * S));
        Harness h = new Harness(c);
        h.miss(PEER);
        List<Long> times = new java.util.ArrayList<>();
        times.add(h.now);
        for (int i = 0; i < 200 && h.state(PEER) == INCOMPLETE; i++) {
            List<Action> a = h.advance(100 * MS);
            if (!transmitted(a).isEmpty()) times.add(h.now);
        }
        assertThat(times).hasSize(5);
        List<Long> gaps = new java.util.ArrayList<>();
        for (int i = 1; i < times.size(); i++) gaps.add((times.get(i) - times.get(i - 1)) / MS);
        assertThat(gaps).containsExactly(1000L, 2000L, 4000L, 4000L);
    }

    @Test
    @DisplayName("each timer follows its own setting: retransmit, probe budget, negative cache, delay before the first probe, lock time")
    void configuredTimers() {
        NeighborTimers t = NeighborTimers.defaults().withRetrans(400 * MS).withProbes(2, 2, 0)
                .withNegativeCache(7 * S).withDelayFirstProbe(2 * S).withLockTime(300 * MS);
        Harness h = new Harness(EngineConfig.defaults().withTimers(t));
        // two broadcast requests 400 ms apart, FAILED one retransmit interval after the last
        h.miss(PEER);
        assertThat(transmitted(h.advance(399 * MS))).isEmpty();
        assertThat(transmitted(h.advance(MS))).hasSize(1);
        h.advance(399 * MS);
        assertThat(h.state(PEER)).isEqualTo(INCOMPLETE);
        h.advance(MS);
        assertThat(h.state(PEER)).isEqualTo(FAILED);
        // the negative cache lasts 7 s, not the default 20 s
        h.advance(7 * S - MS);
        assertThat(h.state(PEER)).isEqualTo(FAILED);
        h.advance(MS);
        assertThat(h.state(PEER)).isNull();
        // learnt STALE, used: DELAY for 2 s, not the default 5 s, then a unicast probe
        h.frame(request(HW1, PEER, OUR_IP));
        h.miss(PEER);
        assertThat(h.state(PEER)).isEqualTo(DELAY);
        h.advance(2 * S - MS);
        assertThat(h.state(PEER)).isEqualTo(DELAY);
        List<Sent> probe = sent(h.advance(MS));
        assertThat(h.state(PEER)).isEqualTo(PROBE);
        assertThat(probe).singleElement().satisfies(x -> assertThat(x.frame().destination()).isEqualTo(HW1));
        // confirmed at time c: another address is refused for 300 ms (not the default 1 s), then taken
        h.frame(reply(HW1, PEER));
        assertThat(h.state(PEER)).isEqualTo(REACHABLE);
        h.advance(299 * MS);
        assertThat(events(h.frame(reply(HW2, PEER)))).extracting(EngineEvent::reason).containsExactly(Reason.LOCKED);
        h.advance(MS);
        h.frame(reply(HW2, PEER));
        assertThat(h.hardware(PEER)).isEqualTo(HW2);
    }

    @Test
    @DisplayName("a request sent by uarpd asks from the link's address on the target's subnet")
    void requestSource() {
        Harness h = new Harness();
        h.input(new Input.AddressAdded(LINK, ip("198.51.100.1"), 24));
        ArpPacket p = transmitted(h.miss(ip("198.51.100.9"))).get(0);
        assertThat(p.senderProtocol()).isEqualTo(ProtocolAddress.ip4(ip("198.51.100.1")));
        assertThat(p.senderHardware()).isEqualTo(OUR_HW);
        assertThat(p.targetHardware().isZero()).isTrue();
    }
}
