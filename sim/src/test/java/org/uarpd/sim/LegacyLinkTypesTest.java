package org.uarpd.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.LinkType;

/** The in-kernel ARP resolves on every broadcast-capable link type, in that link's real framing. */
class LegacyLinkTypesTest {

    @ParameterizedTest
    @ValueSource(strings = {"ethernet", "ieee802.3", "token-ring", "fddi", "arcnet", "arcnet-linux", "ipoib"})
    void missRequestReplyHeldPacketDelivered(String linkName) {
        LinkType type = SimLinkTypes.named(linkName);
        World world = new World(1);
        Segment seg = world.addSegment("net", type);
        SimHost[] hosts = new SimHost[3];
        for (int i = 0; i < hosts.length; i++) {
            hosts[i] = world.addHost("h" + i);
            SimInterface ifc = hosts[i].attach("if0", seg, SimAddresses.station(type, i + 1));
            hosts[i].configure(ifc, Ip4.parse("192.0.2." + (i + 1)), 24);
        }
        world.bootAll();
        hosts[0].send(Ip4.parse("192.0.2.3"));
        world.sim().runUntil(Simulation.SECOND);
        assertThat(world.stats().resolved()).isEqualTo(1);
        assertThat(world.stats().packetsDelivered()).isEqualTo(1);
        assertThat(world.stats().malformedFrames()).isZero();
        assertThat(hosts[0].kernel().lookupNeighbor(hosts[0].interfaces().getFirst(), Ip4.parse("192.0.2.3")))
                .isEqualTo(SimAddresses.station(type, 3));
        // the request was a broadcast heard by both others; reply and datagram were unicast
        assertThat(seg.framesSent()).isEqualTo(3);
        assertThat(seg.deliveries()).isEqualTo(4);
        // h1 heard the request but was not its target: it learnt nothing (RFC 826)
        assertThat(hosts[1].kernel().neighborTable()).isEmpty();
    }
}
