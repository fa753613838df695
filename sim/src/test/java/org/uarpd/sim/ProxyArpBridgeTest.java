package org.uarpd.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineConfig;
import org.uarpd.engine.LinkPolicy;
import org.uarpd.engine.PublishedEntry;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.link.Ethernet;
import org.uarpd.wire.link.Fddi;

/**
 * The "very simple form of bridging" of the 1996 NetBSD routing-socket proposal: a two-interface
 * host running uarpd answers each segment for the hosts on the other (proxy ARP, RFC 1027) and
 * forwards between them. The hosts on either side believe the whole /24 is on their wire; the bridge splits it into two /25s.
 */
class ProxyArpBridgeTest {
    static final long S = Simulation.SECOND;

    @Test
    void hostsOnBothSidesReachEachOtherThroughTheBridge() {
        World world = new World(9);
        Segment left = world.addSegment("left", Ethernet.INSTANCE);
        Segment right = world.addSegment("right", Fddi.INSTANCE);
        SimHost bridge = world.addHost("bridge");
        SimInterface l = bridge.attach("eth0", left, SimAddresses.station(Ethernet.INSTANCE, 1));
        SimInterface r = bridge.attach("fddi0", right, SimAddresses.station(Fddi.INSTANCE, 2));
        bridge.configure(l, Ip4.parse("192.0.2.1"), 25);
        bridge.configure(r, Ip4.parse("192.0.2.129"), 25);
        bridge.setForwarding(true);
        LinkPolicy proxy = LinkPolicy.authoritative().withPublished(List.of(PublishedEntry.routedElsewhere()));
        bridge.runResolver(EngineResolver.withConfig(EngineConfig.defaults().withLinks(Map.of("eth0", proxy, "fddi0", proxy))), 0);

        SimHost west = world.addHost("west");
        west.configure(west.attach("eth0", left, SimAddresses.station(Ethernet.INSTANCE, 10)), Ip4.parse("192.0.2.10"), 24);
        SimHost east = world.addHost("east");
        east.configure(east.attach("fddi0", right, SimAddresses.station(Fddi.INSTANCE, 20)), Ip4.parse("192.0.2.200"), 24);

        world.bootAll();
        world.sim().runUntil(S / 10);
        west.send(Ip4.parse("192.0.2.200"));
        world.sim().runUntil(S);
        // west's ARP for east was answered by the bridge, with the bridge's own Ethernet address
        assertThat(world.timeline().grep("bridge     uarpd: ANSWERED 192.0.2.200 on eth0 (PROXY)")).hasSize(1);
        assertThat(west.kernel().lookupNeighbor(west.interfaces().getFirst(), Ip4.parse("192.0.2.200"))).isEqualTo(l.address());
        // the bridge forwarded, resolving east on the FDDI side through its own RTM_MISS
        assertThat(world.timeline().grep("bridge     RTM_MISS 192.0.2.200 on fddi0")).hasSize(1);
        assertThat(world.timeline().grep("east       received packet #1 from 192.0.2.10")).hasSize(1);

        east.send(Ip4.parse("192.0.2.10"));
        world.sim().runUntil(2 * S);
        assertThat(world.timeline().grep("west       received packet #2 from 192.0.2.200")).hasSize(1);
        assertThat(world.stats().packetsDelivered()).isEqualTo(2);
        assertThat(world.stats().failed()).isZero();
    }
}
