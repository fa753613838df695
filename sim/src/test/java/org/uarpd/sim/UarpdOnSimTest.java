package org.uarpd.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineConfig;
import org.uarpd.engine.NeighborState;
import org.uarpd.sim.rtsock.RoutingMessage;
import org.uarpd.sim.rtsock.Rtm;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.link.Ethernet;

/** uarpd (the real engine) resolving for a simulated kernel through the routing socket, on Ethernet. */
class UarpdOnSimTest {
    static final long S = Simulation.SECOND;
    static final int A = Ip4.parse("192.0.2.1");
    static final int B = Ip4.parse("192.0.2.2");
    static final int C = Ip4.parse("192.0.2.3");

    final World world = new World(11);
    final Segment lan = world.addSegment("lan0", Ethernet.INSTANCE);
    final SimHost a = host("a", 1, A);
    final SimHost b = host("b", 2, B);
    final List<RoutingMessage> seenByMonitor = new ArrayList<>();

    SimHost host(String name, int n, int ip) {
        SimHost h = world.addHost(name);
        h.configure(h.attach("eth0", lan, SimAddresses.station(Ethernet.INSTANCE, n)), ip, 24);
        return h;
    }

    void uarpdOnA() {
        a.runResolver(EngineResolver.withConfig(EngineConfig.defaults()), 0);
    }

    void monitorA() {
        a.kernel().openMonitor(1, bytes -> seenByMonitor.add(RouteOutputTest.decode(bytes)));
    }

    @Test
    void missRequestReplyRtmAddHeldPacketDelivered() {
        uarpdOnA();
        world.bootAll();
        world.sim().runUntil(S / 10);
        monitorA();
        a.send(B);
        world.sim().runUntil(S);
        assertThat(world.stats().resolved()).isEqualTo(1);
        assertThat(world.stats().packetsDelivered()).isEqualTo(1);
        assertThat(a.kernel().lookupNeighbor(a.interfaces().getFirst(), B)).isEqualTo(SimAddresses.station(Ethernet.INSTANCE, 2));
        // the kernel asked, uarpd installed: RTM_MISS then uarpd's RTM_ADD (echoed to the monitor)
        assertThat(seenByMonitor).extracting(RoutingMessage::type).containsSubsequence(Rtm.MISS, Rtm.ADD);
        RoutingMessage add = seenByMonitor.stream().filter(m -> m.type() == Rtm.ADD).findFirst().orElseThrow();
        assertThat(add.pid()).isEqualTo(((SimBackend) a.resolver()).pid());
        assertThat(add.state()).isEqualTo(NeighborState.REACHABLE);
        assertThat(add.errno()).isZero();
        // the order of what happened, as the timeline tells it
        List<String> story = world.timeline().lines().stream()
                .filter(l -> l.contains("RTM_MISS") || l.contains("REQUESTED") || l.contains("RTM_ADD") || l.contains("received packet"))
                .toList();
        assertThat(story).hasSize(4);
        assertThat(story.get(0)).contains("RTM_MISS 192.0.2.2");
        assertThat(story.get(1)).contains("uarpd: REQUESTED 192.0.2.2");
        assertThat(story.get(2)).contains("RTM_ADD 192.0.2.2");
        assertThat(story.get(3)).contains("b", "received packet #1");
    }

    @Test
    void uarpdAnswersForItsHostsOwnAddress() {
        uarpdOnA();
        world.bootAll();
        world.sim().runUntil(S / 10);
        b.send(A);
        world.sim().runUntil(S);
        assertThat(world.stats().resolved()).isEqualTo(1);
        assertThat(world.stats().packetsDelivered()).isEqualTo(1);
        assertThat(world.timeline().grep("uarpd: ANSWERED 192.0.2.1")).hasSize(1);
    }

    @Test
    void unansweredMissFailsAndHeldPacketIsHostUnreachable() {
        uarpdOnA();
        world.bootAll();
        world.sim().runUntil(S / 10);
        a.send(C);
        world.sim().runUntil(10 * S);
        assertThat(world.stats().failed()).isEqualTo(1);
        assertThat(world.stats().packetsUnreachable()).isEqualTo(1);
        assertThat(a.kernel().lookupNeighbor(a.interfaces().getFirst(), C)).isNull();
    }

    @Test
    void lossHealsByUarpdsRetransmissions() {
        lan.setFaults(SegmentFaults.NONE.withLoss(0.4));
        uarpdOnA();
        world.bootAll();
        world.sim().runUntil(S / 10);
        int[] targets = new int[20];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = Ip4.parse("192.0.2." + (10 + i));
            SimHost h = world.addHost("p" + i);
            h.configure(h.attach("eth0", lan, SimAddresses.station(Ethernet.INSTANCE, 10 + i)), targets[i], 24);
            h.boot();
        }
        for (int t : targets) a.send(t);
        world.sim().runUntil(30 * S);
        assertThat(world.stats().resolved() + world.stats().failed()).isEqualTo(20);
        assertThat(world.stats().resolved()).isGreaterThanOrEqualTo(16);
        assertThat(world.timeline().grep("uarpd: REQUESTED").size()).isGreaterThan(20);
    }

    @Test
    void duplicatedReorderedAndJitteredFramesStillResolveOnce() {
        lan.setFaults(SegmentFaults.NONE.withDuplicate(0.5).withDelay(50_000, 400_000).withReorder(0.3, 2_000_000));
        uarpdOnA();
        world.bootAll();
        world.sim().runUntil(S / 10);
        for (int i = 0; i < 10; i++) {
            SimHost h = world.addHost("q" + i);
            h.configure(h.attach("eth0", lan, SimAddresses.station(Ethernet.INSTANCE, 40 + i)), Ip4.parse("192.0.2." + (40 + i)), 24);
            h.boot();
            a.send(Ip4.parse("192.0.2." + (40 + i)));
        }
        world.sim().runUntil(5 * S);
        assertThat(lan.duplicated()).isPositive();
        assertThat(world.stats().resolved()).isEqualTo(10);
        assertThat(world.stats().failed()).isZero();
        // a duplicate reply is no second resolution and no second install
        assertThat(world.timeline().grep("a          RTM_ADD")).hasSize(10);
        assertThat(world.stats().packetsDelivered()).isGreaterThanOrEqualTo(10);
    }

    @Test
    void partitionGivesFailedThenRecovery() {
        uarpdOnA();
        world.bootAll();
        world.sim().runUntil(S / 10);
        lan.partition(List.of(java.util.Set.of(a), java.util.Set.of(b)));
        a.send(B);
        world.sim().runUntil(10 * S);
        assertThat(world.stats().failed()).isEqualTo(1);
        lan.heal();
        // past the engine's negative cache, a new packet resolves
        world.sim().runUntil(60 * S);
        a.send(B);
        world.sim().runUntil(61 * S);
        assertThat(world.stats().resolved()).isEqualTo(1);
        assertThat(world.stats().packetsDelivered()).isEqualTo(1);
    }

    @Test
    void killedUarpdLeavesTheKernelToItsOwnArp() {
        uarpdOnA();
        world.bootAll();
        world.sim().runUntil(S / 10);
        a.killResolver();
        a.send(B);
        world.sim().runUntil(S);
        assertThat(world.stats().resolved()).isEqualTo(1);
        assertThat(world.timeline().grep("in-kernel ARP resolves")).hasSize(1);
    }

    @Test
    void sameSeedGivesTheSameTimeline() {
        assertThat(run(3)).isEqualTo(run(3));
    }

    private static String run(long seed) {
        World w = new World(seed);
        Segment s = w.addSegment("lan0", Ethernet.INSTANCE);
        s.setFaults(SegmentFaults.NONE.withLoss(0.2).withDelay(20_000, 200_000).withDuplicate(0.1).withReorder(0.1, 1_000_000));
        SimHost[] hosts = new SimHost[6];
        for (int i = 0; i < hosts.length; i++) {
            hosts[i] = w.addHost("h" + i);
            hosts[i].configure(hosts[i].attach("eth0", s, HardwareAddress.ofLong48(0x020000000020L + i)), Ip4.parse("192.0.2." + (20 + i)), 24);
            if (i % 2 == 0) hosts[i].runResolver(EngineResolver.withConfig(EngineConfig.defaults().withSeed(seed)), 0);
        }
        w.bootAll();
        for (SimHost h : hosts) {
            for (int j = 0; j < hosts.length; j++) h.send(Ip4.parse("192.0.2." + (20 + j)));
        }
        w.sim().runUntil(30 * S);
        return w.timeline().toString();
    }
}
