package org.uarpd.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.link.Ethernet;

/** Hosts that run no daemon: the minimal in-kernel ARP alone, on Ethernet. */
class LegacyKernelTest {
    static final int A = Ip4.parse("192.0.2.1");
    static final int B = Ip4.parse("192.0.2.2");
    static final int C = Ip4.parse("192.0.2.3");
    static final long S = Simulation.SECOND;

    World world = new World(42);
    Segment lan = world.addSegment("lan0", Ethernet.INSTANCE);
    SimHost a = host("a", 1, A);
    SimHost b = host("b", 2, B);

    SimHost host(String name, int n, int ip) {
        SimHost h = world.addHost(name);
        SimInterface i = h.attach("eth0", lan, HardwareAddress.ofLong48(0x020000000000L + n));
        h.configure(i, ip, 24);
        return h;
    }

    @Test
    void missRequestReplyInstallsAndSendsTheHeldPacket() {
        world.bootAll();
        a.send(B);
        world.sim().runUntil(S);
        assertThat(world.stats().resolved()).isEqualTo(1);
        assertThat(world.stats().packetsDelivered()).isEqualTo(1);
        assertThat(a.kernel().lookupNeighbor(a.interfaces().getFirst(), B)).isEqualTo(HardwareAddress.ofLong48(0x020000000002L));
        // RFC 826: b learnt a from the request addressed to it
        assertThat(b.kernel().lookupNeighbor(b.interfaces().getFirst(), A)).isEqualTo(HardwareAddress.ofLong48(0x020000000001L));
        // one request, one reply, one datagram
        assertThat(lan.framesSent()).isEqualTo(3);
    }

    @Test
    void holdQueueKeepsOnlyTheNewestPacketByDefault() {
        world.bootAll();
        a.send(B);
        a.send(B);
        a.send(B);
        world.sim().runUntil(S);
        assertThat(world.stats().packetsHoldDropped()).isEqualTo(2);
        assertThat(world.stats().packetsDelivered()).isEqualTo(1);
        assertThat(world.timeline().grep("received packet #3")).hasSize(1);
    }

    @Test
    void deeperHoldQueueKeepsABurst() {
        a.setHoldDepth(3);
        world.bootAll();
        for (int i = 0; i < 3; i++) a.send(B);
        world.sim().runUntil(S);
        assertThat(world.stats().packetsDelivered()).isEqualTo(3);
        assertThat(world.stats().packetsHoldDropped()).isZero();
    }

    @Test
    void overflowingADeeperHoldQueueDropsTheOldestAndKeepsTheNewest() {
        a.setHoldDepth(2);
        world.bootAll();
        long[] sent = new long[5];
        for (int i = 0; i < sent.length; i++) sent[i] = a.send(B);
        world.sim().runUntil(S);
        assertThat(world.stats().packetsHoldDropped()).isEqualTo(3);
        assertThat(world.stats().packetsDelivered()).isEqualTo(2);
        assertThat(world.timeline().grep("received packet #" + sent[3] + " ")).hasSize(1);
        assertThat(world.timeline().grep("received packet #" + sent[4] + " ")).hasSize(1);
        for (int i = 0; i < 3; i++) assertThat(world.timeline().grep("received packet #" + sent[i] + " ")).isEmpty();
    }

    @Test
    void holdDepthBelowOneIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.setHoldDepth(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hold depth");
    }

    @Test
    void unansweredRequestsFailAfterFiveTriesAndRejectForAWhile() {
        world.bootAll();
        a.send(C);
        world.sim().runUntil(10 * S);
        assertThat(world.stats().failed()).isEqualTo(1);
        assertThat(lan.framesSent()).isEqualTo(KernelArp.MAX_TRIES);
        a.send(C);
        assertThat(world.stats().packetsUnreachable()).isEqualTo(2);
    }

    @Test
    void lossHealsByRetransmission() {
        lan.setFaults(SegmentFaults.NONE.withLoss(0.5));
        world.bootAll();
        for (int i = 0; i < 20; i++) {
            world.sim().runUntil(world.sim().now() + 30 * S);
            a.kernel().remove(a.interfaces().getFirst(), B);
            a.send(B);
        }
        world.sim().runUntil(world.sim().now() + 30 * S);
        assertThat(world.stats().resolved() + world.stats().failed()).isEqualTo(20);
        assertThat(world.stats().resolved()).isGreaterThanOrEqualTo(15);
        // some of them needed a second request
        assertThat(world.stats().latencyBuckets()[SimStats.BUCKET_NAMES.length - 2]).isPositive();
        assertThat(lan.lost()).isPositive();
    }

    @Test
    void partitionGivesFailedThenRecovers() {
        world.bootAll();
        lan.partition(List.of(Set.of(a), Set.of(b)));
        a.send(B);
        world.sim().runUntil(10 * S);
        assertThat(world.stats().failed()).isEqualTo(1);
        lan.heal();
        world.sim().runUntil(31 * S); // past arpt_down
        a.send(B);
        world.sim().runUntil(32 * S);
        assertThat(world.stats().resolved()).isEqualTo(1);
        assertThat(world.stats().packetsDelivered()).isEqualTo(1);
    }

    @Test
    void crashLosesBindingsAndRestartResolvesAgain() {
        world.bootAll();
        a.send(B);
        world.sim().runUntil(S);
        a.crash();
        a.send(B); // a is down: nothing leaves
        world.sim().runUntil(2 * S);
        a.restart();
        assertThat(a.kernel().lookupNeighbor(a.interfaces().getFirst(), B)).isNull();
        a.send(B);
        world.sim().runUntil(3 * S);
        assertThat(world.stats().resolved()).isEqualTo(2);
        assertThat(world.stats().packetsDelivered()).isEqualTo(2);
    }

    @Test
    void sameSeedSameTimeline() {
        assertThat(run(5)).isEqualTo(run(5));
        assertThat(run(5)).isNotEqualTo(run(6));
    }

    private static String run(long seed) {
        World w = new World(seed);
        Segment s = w.addSegment("lan0", Ethernet.INSTANCE);
        s.setFaults(SegmentFaults.NONE.withLoss(0.3).withDelay(50_000, 100_000));
        SimHost[] hosts = new SimHost[5];
        for (int i = 0; i < hosts.length; i++) {
            hosts[i] = w.addHost("h" + i);
            SimInterface ifc = hosts[i].attach("eth0", s, HardwareAddress.ofLong48(0x020000000010L + i));
            hosts[i].configure(ifc, Ip4.parse("192.0.2." + (10 + i)), 24);
        }
        w.bootAll();
        for (int i = 0; i < hosts.length; i++) {
            for (int j = 0; j < hosts.length; j++) if (i != j) hosts[i].send(Ip4.parse("192.0.2." + (10 + j)));
        }
        w.sim().runUntil(20 * S);
        return w.timeline().toString();
    }
}
