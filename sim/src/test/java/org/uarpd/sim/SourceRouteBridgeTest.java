package org.uarpd.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineConfig;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.link.TokenRing;
import org.uarpd.wire.link.TokenRing.RouteDesignator;
import org.uarpd.wire.link.TokenRing.RoutingInformation;

/** Token Ring rings joined by source-route bridges: explorers find the route, replies and data follow it. */
class SourceRouteBridgeTest {
    static final long S = Simulation.SECOND;

    final World world = new World(6);
    final Segment ring1 = world.addSegment("ring1", TokenRing.INSTANCE);
    final Segment ring2 = world.addSegment("ring2", TokenRing.INSTANCE);
    final Segment ring3 = world.addSegment("ring3", TokenRing.INSTANCE);
    final SourceRouteBridge b5 = new SourceRouteBridge(world, ring1, 1, ring2, 2, 5);
    final SourceRouteBridge b7 = new SourceRouteBridge(world, ring2, 2, ring3, 3, 7);

    SimHost host(String name, Segment ring, int n) {
        SimHost h = world.addHost(name);
        h.configure(h.attach("tr0", ring, SimAddresses.station(TokenRing.INSTANCE, n)), Ip4.parse("192.0.2." + n), 24);
        return h;
    }

    @Test
    void legacyHostsResolveAcrossTwoBridges() {
        SimHost a = host("a", ring1, 1);
        SimHost c = host("c", ring3, 3);
        world.bootAll();
        a.send(Ip4.parse("192.0.2.3"));
        world.sim().runUntil(S);
        assertThat(world.stats().resolved()).isEqualTo(1);
        assertThat(world.stats().packetsDelivered()).isEqualTo(1);
        // a cached the route back from c's reply: ring 1, bridge 5, ring 2, bridge 7, ring 3
        RoutingInformation route = a.kernel().sourceRouting(a.interfaces().getFirst()).routeTo(SimAddresses.station(TokenRing.INSTANCE, 3));
        assertThat(route.route()).containsExactly(new RouteDesignator(1, 5), new RouteDesignator(2, 7), new RouteDesignator(3, 0));
        // explorer, reply and datagram each crossed both bridges
        assertThat(b5.forwarded()).isEqualTo(3);
        assertThat(b7.forwarded()).isEqualTo(3);
        assertThat(ring3.framesSent()).isEqualTo(3);
    }

    @Test
    void uarpdsRequestsAreExploredByTheDriverToo() {
        SimHost u = host("u", ring1, 1);
        u.runResolver(EngineResolver.withConfig(EngineConfig.defaults()), 0);
        SimHost b = host("b", ring2, 2);
        world.bootAll();
        world.sim().runUntil(S / 10);
        u.send(Ip4.parse("192.0.2.2"));
        b.send(Ip4.parse("192.0.2.1"));
        world.sim().runUntil(S);
        assertThat(world.timeline().grep("u          uarpd: RESOLVED 192.0.2.2")).hasSize(1);
        assertThat(world.timeline().grep("u          uarpd: ANSWERED 192.0.2.1")).hasSize(1);
        assertThat(world.stats().packetsDelivered()).isEqualTo(2);
        assertThat(world.stats().failed()).isZero();
    }

    @Test
    void framesWithoutRoutingInformationStayOnTheirRing() {
        // a plain (non-explorer) broadcast, as a station without source routing sends it
        SimHost a = host("a", ring1, 1);
        world.bootAll();
        byte[] frame = TokenRing.INSTANCE.encode(TokenRing.INSTANCE.broadcast(), a.interfaces().getFirst().address(), 0x0806, new byte[28]);
        ring1.transmit(a.interfaces().getFirst(), TokenRing.INSTANCE.broadcast(), frame);
        world.sim().runUntil(S);
        assertThat(b5.forwarded()).isZero();
        assertThat(ring2.framesSent()).isZero();
    }

    @Test
    void explorersDoNotLoopRoundParallelBridges() {
        new SourceRouteBridge(world, ring1, 1, ring3, 3, 9); // a loop: 1-2-3-1
        SimHost a = host("a", ring1, 1);
        SimHost c = host("c", ring3, 3);
        world.bootAll();
        a.send(Ip4.parse("192.0.2.3"));
        world.sim().runUntil(S);
        assertThat(world.stats().resolved()).isEqualTo(1);
        assertThat(world.stats().packetsDelivered()).isEqualTo(1);
        // c heard the explorer twice (direct over bridge 9, and via ring 2); no copy came back to ring 1
        assertThat(ring1.framesSent()).isLessThan(6);
        assertThat(List.of(ring1, ring2, ring3)).allMatch(r -> r.framesSent() < 10);
    }
}
