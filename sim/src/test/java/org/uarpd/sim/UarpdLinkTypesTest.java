package org.uarpd.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.uarpd.engine.EngineConfig;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.LinkType;

/** uarpd end to end on every broadcast link type, each in its real framing (ATM has its own test). */
class UarpdLinkTypesTest {
    static final long S = Simulation.SECOND;

    @ParameterizedTest
    @ValueSource(strings = {"ethernet", "ieee802.3", "token-ring", "fddi", "arcnet", "arcnet-linux", "ipoib"})
    void missRequestReplyRtmAddHeldPacketDelivered(String linkName) {
        LinkType type = SimLinkTypes.named(linkName);
        World world = new World(2);
        Segment seg = world.addSegment("net", type);
        SimHost[] hosts = new SimHost[3];
        for (int i = 0; i < hosts.length; i++) {
            hosts[i] = world.addHost("h" + i);
            hosts[i].configure(hosts[i].attach("if0", seg, SimAddresses.station(type, i + 1)), Ip4.parse("192.0.2." + (i + 1)), 24);
        }
        hosts[0].runResolver(EngineResolver.withConfig(EngineConfig.defaults()), 0);
        world.bootAll();
        world.sim().runUntil(S / 10);
        hosts[0].send(Ip4.parse("192.0.2.3")); // uarpd resolves
        hosts[1].send(Ip4.parse("192.0.2.1")); // uarpd answers
        world.sim().runUntil(S);
        assertThat(world.timeline().grep("h0         RTM_MISS 192.0.2.3")).hasSize(1);
        assertThat(world.timeline().grep("h0         uarpd: REQUESTED 192.0.2.3")).hasSize(1);
        assertThat(world.timeline().grep("h0         RTM_ADD 192.0.2.3 " + SimAddresses.station(type, 3))).hasSize(1);
        assertThat(world.timeline().grep("h0         uarpd: ANSWERED 192.0.2.1")).hasSize(1);
        assertThat(world.stats().resolved()).isEqualTo(2);
        assertThat(world.stats().packetsDelivered()).isEqualTo(2);
        assertThat(world.stats().malformedFrames()).isZero();
        assertThat(hosts[0].kernel().lookupNeighbor(hosts[0].interfaces().getFirst(), Ip4.parse("192.0.2.3")))
                .isEqualTo(SimAddresses.station(type, 3));
    }
}
