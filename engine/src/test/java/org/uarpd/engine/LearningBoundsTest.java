package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.Harness.*;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.ProtocolAddress;

/**
 * What a link learns from requests is bounded: no entry for a requester outside the link's subnets,
 * a per-link learning rate, a cap on learnt-only entries, and learnt-only entries evicted before any
 * entry the host uses. Every requester is still answered.
 */
class LearningBoundsTest {
    static final int OUTSIDE = ip("198.51.100.9");
    static final HardwareAddress STRANGER = mac("02:00:00:00:00:99");

    static HardwareAddress hw(int i) {
        return HardwareAddress.ofLong48(0x020000010000L + i);
    }

    /** The i-th requester on 192.0.2.0/24 (.10 up). */
    static int host(int i) {
        return ip("192.0.2.10") + i;
    }

    static Harness harness(LearningLimits limits, int maxEntries) {
        return new Harness(EngineConfig.defaults().withLearning(limits).withBounds(maxEntries, 16, 64));
    }

    static boolean answeredTo(List<Action> a, int requester) {
        return transmitted(a).stream().anyMatch(p -> p.opcode() == Opcode.REPLY
                && p.targetProtocol().equals(ProtocolAddress.ip4(requester))
                && p.senderProtocol().equals(ProtocolAddress.ip4(OUR_IP)));
    }

    @Test
    @DisplayName("a request from outside the link's subnets is answered, counted, and not learnt")
    void offSubnetSenderAnsweredNotLearnt() {
        Harness h = new Harness();
        List<Action> a = h.frame(request(STRANGER, OUTSIDE, OUR_IP));
        assertThat(answeredTo(a, OUTSIDE)).isTrue();
        assertThat(h.state(OUTSIDE)).isNull();
        assertThat(only(a, Action.InstallNeighbor.class)).isEmpty();
        assertThat(events(a)).filteredOn(e -> e.reason() == Reason.OFF_SUBNET_SENDER).singleElement()
                .satisfies(e -> assertThat(e.hardware()).isEqualTo(STRANGER));
        assertThat(h.engine.count(Reason.OFF_SUBNET_SENDER)).isEqualTo(1);
    }

    @Test
    @DisplayName("an off-subnet address the kernel asked for (an on-link route) still resolves")
    void offSubnetAskedForStillResolves() {
        Harness h = new Harness();
        h.miss(OUTSIDE);
        List<Action> a = h.frame(reply(STRANGER, OUTSIDE));
        assertThat(only(a, Action.InstallNeighbor.class)).singleElement()
                .satisfies(i -> assertThat(i.hardware()).isEqualTo(STRANGER));
        assertThat(h.state(OUTSIDE)).isEqualTo(NeighborState.REACHABLE);
    }

    @Test
    @DisplayName("an IPv6 solicitation over the learning rate is reported with the sender's IPv6 address")
    void rateLimitedIpv6LearnNamesItsAddress() {
        NdHarness t = new NdHarness(EngineConfig.defaults().withLearning(new LearningLimits(new RateLimit(1, 1), 100)),
                NdLinkPolicy.defaults().withDad(false, 1, false));
        org.uarpd.wire.Ip6Address first = NdHarness.ip6("2001:db8:1::10");
        org.uarpd.wire.Ip6Address second = NdHarness.ip6("2001:db8:1::11");
        t.receive(NdHarness.OUR6.solicitedNode().multicastMac(), hw(1), NdHarness.ns(first, hw(1), NdHarness.OUR6));
        List<Action> a = t.receive(NdHarness.OUR6.solicitedNode().multicastMac(), hw(2), NdHarness.ns(second, hw(2), NdHarness.OUR6));
        assertThat(t.state(first)).isNotNull();
        assertThat(t.state(second)).isNull();
        assertThat(events(a)).filteredOn(e -> e.reason() == Reason.LEARN_RATE_LIMITED).singleElement()
                .satisfies(e -> assertThat(e.address6()).isEqualTo(second));
    }

    @Test
    @DisplayName("learning is rate limited per link: over the burst requesters are answered but not learnt")
    void learningRate() {
        Harness h = harness(new LearningLimits(new RateLimit(5, 1), 100), 1024);
        for (int i = 0; i < 20; i++) {
            assertThat(answeredTo(h.frame(request(hw(i), host(i), OUR_IP)), host(i))).as("requester %d answered", i).isTrue();
        }
        assertThat(h.engine.learntEntries(LINK)).isEqualTo(5);
        assertThat(h.engine.count(Reason.LEARN_RATE_LIMITED)).isEqualTo(15);
        h.advance(S); // one more token
        h.frame(request(hw(50), host(50), OUR_IP));
        assertThat(h.state(host(50))).isEqualTo(NeighborState.STALE);
        assertThat(h.engine.learntEntries(LINK)).isEqualTo(6);
    }

    @Test
    @DisplayName("at the cap the least recently learnt entry goes, and its binding is withdrawn from the kernel")
    void learntCap() {
        Harness h = harness(new LearningLimits(new RateLimit(1000, 1000), 8), 1024);
        for (int i = 0; i < 20; i++) h.frame(request(hw(i), host(i), OUR_IP));
        assertThat(h.engine.learntEntries(LINK)).isEqualTo(8);
        for (int i = 0; i < 12; i++) assertThat(h.state(host(i))).as("host %d", i).isNull();
        for (int i = 12; i < 20; i++) assertThat(h.state(host(i))).as("host %d", i).isEqualTo(NeighborState.STALE);
        assertThat(h.engine.count(Reason.LEARNT_LIMIT)).isEqualTo(12);
        assertThat(only(h.actions, Action.RemoveNeighbor.class)).hasSize(12)
                .allSatisfy(r -> assertThat(r.failed()).isFalse());
        assertThat(h.engine.bounds()).contains(new Bound("neighbors.learnt", LINK, 8, 8));
    }

    @Test
    @DisplayName("an entry the kernel asked for or that was confirmed is never evicted for a learnt one")
    void usedEntriesOutliveLearntOnes() {
        Harness h = harness(new LearningLimits(new RateLimit(1000, 1000), 4), 1024);
        int asked = host(100);
        int confirmed = host(101);
        h.frame(request(hw(100), asked, OUR_IP));   // learnt ...
        h.miss(asked);                             // ... then used by the host
        h.frame(request(hw(101), confirmed, OUR_IP));
        h.miss(confirmed);
        h.frame(reply(hw(101), confirmed));        // ... and confirmed
        assertThat(h.engine.learntEntries(LINK)).isZero();
        for (int i = 0; i < 50; i++) h.frame(request(hw(i), host(i), OUR_IP));
        assertThat(h.hardware(asked)).isEqualTo(hw(100));
        assertThat(h.state(confirmed)).isEqualTo(NeighborState.REACHABLE);
        assertThat(h.engine.learntEntries(LINK)).isEqualTo(4);
    }

    @Test
    @DisplayName("a full table gives up learnt-only entries first, and never one the host uses for a learnt one")
    void fullTablePrefersUsedEntries() {
        Harness h = harness(new LearningLimits(new RateLimit(1000, 1000), 1000), 8);
        for (int i = 0; i < 4; i++) {
            h.miss(host(200 + i));
            h.frame(reply(hw(200 + i), host(200 + i)));
        }
        for (int i = 0; i < 30; i++) h.frame(request(hw(i), host(i), OUR_IP)); // fills the rest, then churns it
        for (int i = 0; i < 4; i++) assertThat(h.state(host(200 + i))).as("resolved %d", i).isEqualTo(NeighborState.REACHABLE);
        assertThat(h.engine.learntEntries(LINK)).isEqualTo(4);
        // A miss when the table is full takes a learnt-only entry's place.
        h.miss(host(210));
        assertThat(h.state(host(210))).isEqualTo(NeighborState.INCOMPLETE);
        assertThat(h.engine.learntEntries(LINK)).isEqualTo(3);
        for (int i = 0; i < 4; i++) assertThat(h.state(host(200 + i))).isEqualTo(NeighborState.REACHABLE);
        // Once every entry is one the host uses, a new requester is answered and not learnt.
        for (int i = 0; i < 3; i++) {
            h.miss(host(220 + i));
            h.frame(reply(hw(220 + i), host(220 + i)));
        }
        assertThat(h.engine.learntEntries(LINK)).isZero();
        List<Action> a = h.frame(request(hw(99), host(99), OUR_IP));
        assertThat(answeredTo(a, host(99))).isTrue();
        assertThat(events(a)).extracting(EngineEvent::reason).contains(Reason.TABLE_FULL);
        assertThat(h.state(host(99))).isNull();
        assertThat(h.engine.size()).isEqualTo(8);
    }

    @Test
    @DisplayName("bounds() lists every table and queue with its size and bound")
    void boundsView() {
        Harness h = new Harness(EngineConfig.defaults().withBounds(100, 10, 20)
                .withDefaultLink(LinkPolicy.authoritative().withGuard(GuardPolicy.strict())));
        h.frame(request(hw(1), host(1), OUR_IP));
        h.miss(host(2));
        List<Bound> b = h.engine.bounds();
        assertThat(b).contains(
                new Bound("neighbors.dynamic", 0, 2, 100),
                new Bound("neighbors.static", 0, 0, 10),
                new Bound("neighbors.incomplete", 0, 1, 20),
                new Bound("replies.delayed", 0, 0, 20),
                new Bound("bridge.waiting", 0, 0, 20),
                new Bound("bridge.hosts", 0, 0, 100),
                new Bound("neighbors.learnt", LINK, 1, LearningLimits.defaults().maxLearnt()),
                new Bound("guard.verifying", LINK, 0, 100),
                new Bound("guard.sources", LINK, GuardPolicy.strict().sourceSlots(), GuardPolicy.strict().sourceSlots()));
        assertThat(b).filteredOn(x -> x.name().equals("guard.stations")).singleElement()
                .satisfies(x -> assertThat(x.size()).isEqualTo(1));
        assertThat(b).allSatisfy(x -> assertThat(x.size()).isBetween(0L, x.bound()));
    }

    @Test
    @DisplayName("the learning cap is derived from the kernel's gc_thresh3: a quarter of it, shared among the links, never above the cap")
    void capFromKernelLimit() {
        assertThat(LearningLimits.defaults().belowKernelLimit(1024, 1).maxLearnt()).isEqualTo(256);
        assertThat(LearningLimits.defaults().belowKernelLimit(1024, 2).maxLearnt()).isEqualTo(128);
        assertThat(LearningLimits.defaults().belowKernelLimit(128, 1).maxLearnt()).isEqualTo(32);
        assertThat(LearningLimits.defaults().belowKernelLimit(2, 3).maxLearnt()).isEqualTo(1);
        assertThat(LearningLimits.defaults().belowKernelLimit(1 << 20, 1).maxLearnt()).as("a large table does not raise the cap")
                .isEqualTo(LearningLimits.defaults().maxLearnt());
        assertThat(LearningLimits.defaults().belowKernelLimit(128, 1).rate()).isEqualTo(LearningLimits.defaults().rate());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LearningLimits.defaults().belowKernelLimit(0, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
