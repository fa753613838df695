package org.uarpd.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.link.AtmLlcSnap;

/** A classical IP logical IP subnet over ATM (RFC 2225): registration, resolution, NAK, ageing. */
class AtmLisTest {
    static final long S = Simulation.SECOND;
    static final long MIN = 60 * S;
    final World world = new World(3);
    final Segment atm = world.addSegment("lis", AtmLlcSnap.INSTANCE);
    final SimHost server = host("server", 1, "192.0.2.254");
    final SimHost c1 = host("c1", 2, "192.0.2.1");
    final SimHost c2 = host("c2", 3, "192.0.2.2");
    final AtmArpServer arpServer = server.serveAtmArp(server.interfaces().getFirst());

    SimHost host(String name, int n, String ip) {
        SimHost h = world.addHost(name);
        h.configure(h.attach("atm0", atm, SimAddresses.station(AtmLlcSnap.INSTANCE, n)), Ip4.parse(ip), 24);
        return h;
    }

    @Test
    void clientsRegisterByInAtmarpWhenTheirCircuitOpens() {
        world.bootAll();
        world.sim().runUntil(S);
        assertThat(arpServer.registrations()).isEqualTo(2);
        assertThat(arpServer.lookup(Ip4.parse("192.0.2.2"))).isEqualTo(SimAddresses.station(AtmLlcSnap.INSTANCE, 3));
        assertThat(world.timeline().grep("ATMARP server: registered")).hasSize(2);
    }

    @Test
    void resolutionThroughTheServerDeliversTheHeldPacket() {
        world.bootAll();
        world.sim().runUntil(S);
        c1.send(Ip4.parse("192.0.2.2"));
        world.sim().runUntil(2 * S);
        assertThat(world.stats().resolved()).isEqualTo(1);
        assertThat(world.stats().packetsDelivered()).isEqualTo(1);
        assertThat(arpServer.answered()).isEqualTo(1);
        assertThat(c1.kernel().lookupNeighbor(c1.interfaces().getFirst(), Ip4.parse("192.0.2.2")))
                .isEqualTo(SimAddresses.station(AtmLlcSnap.INSTANCE, 3));
    }

    @Test
    void unknownAddressIsNakedAndFailsAtOnce() {
        world.bootAll();
        world.sim().runUntil(S);
        c1.send(Ip4.parse("192.0.2.99"));
        world.sim().runUntil(2 * S);
        assertThat(arpServer.naks()).isEqualTo(1);
        assertThat(world.stats().failed(SimStats.Failure.NAK)).isEqualTo(1);
        assertThat(world.stats().packetsUnreachable()).isEqualTo(1);
        // one request, one NAK: no retries after a NAK
        assertThat(world.timeline().grep("ATMARP NAK for 192.0.2.99")).hasSize(1);
    }

    @Test
    void liveClientsReRegisterWhileADeadOneAgesOut() {
        world.bootAll();
        world.sim().runUntil(S);
        c2.crash();
        world.sim().runUntil(25 * MIN);
        assertThat(arpServer.lookup(Ip4.parse("192.0.2.1"))).isNotNull();
        assertThat(arpServer.lookup(Ip4.parse("192.0.2.2"))).isNull();
        assertThat(world.timeline().grep("192.0.2.2 aged out")).hasSize(1);
        assertThat(world.timeline().grep("c1         ATMARP re-registration")).isNotEmpty();
        c1.send(Ip4.parse("192.0.2.2"));
        world.sim().runUntil(26 * MIN);
        assertThat(world.stats().failed()).isEqualTo(1);
    }

    @Test
    void aClientWithTwoAddressesReRegistersOncePerLifetime() {
        world.bootAll();
        c1.addAddress(c1.interfaces().getFirst(), Ip4.parse("192.0.2.11"), 24);
        c1.runResolver(EngineResolver.withConfig(org.uarpd.engine.EngineConfig.defaults()), 0);
        c1.startResolver();
        c1.setLinkUp(c1.interfaces().getFirst(), false);
        c1.setLinkUp(c1.interfaces().getFirst(), true);
        world.sim().runUntil(25 * MIN);
        assertThat(world.timeline().grep("c1         ATMARP re-registration")).hasSize(1);
    }

    @Test
    void uarpdResolvesOnAtmThroughTheRoutingSocketWithItsOwnAtmarpClient() {
        c1.runResolver(EngineResolver.withConfig(org.uarpd.engine.EngineConfig.defaults()), 0);
        world.bootAll();
        world.sim().runUntil(S);
        c1.send(Ip4.parse("192.0.2.2"));
        c1.send(Ip4.parse("192.0.2.99"));
        c2.send(Ip4.parse("192.0.2.1"));
        world.sim().runUntil(2 * S);
        assertThat(world.timeline().grep("c1         RTM_MISS 192.0.2.2 on atm0")).hasSize(1);
        assertThat(world.timeline().grep("c1         uarpd: ATMARP 192.0.2.2 is at")).hasSize(1);
        assertThat(world.timeline().grep("c1         RTM_ADD 192.0.2.2 " + SimAddresses.station(AtmLlcSnap.INSTANCE, 3))).hasSize(1);
        assertThat(world.stats().packetsDelivered()).isEqualTo(2);
        // the NAK travels as RTM_DELETE|RTF_REJECT with ECONNREFUSED, and the kernel counts it as one
        assertThat(world.stats().failed(SimStats.Failure.NAK)).isEqualTo(1);
        assertThat(arpServer.lookup(Ip4.parse("192.0.2.1"))).isEqualTo(SimAddresses.station(AtmLlcSnap.INSTANCE, 2));
    }

    @Test
    void uarpdKeepsItsHostRegisteredAndTheKernelTakesOverWhenItDies() {
        c1.runResolver(EngineResolver.withConfig(org.uarpd.engine.EngineConfig.defaults()), 0);
        world.bootAll();
        world.sim().runUntil(25 * MIN);
        assertThat(arpServer.lookup(Ip4.parse("192.0.2.1"))).isNotNull();
        assertThat(world.timeline().grep("c1         ATMARP re-registration")).isNotEmpty();
        c1.killResolver();
        c1.send(Ip4.parse("192.0.2.2"));
        world.sim().runUntil(26 * MIN);
        assertThat(world.stats().resolved()).isEqualTo(1);
        assertThat(world.timeline().grep("c1         RTM_MISS")).isEmpty();
    }

    @Test
    void clientEntriesExpireAfterFifteenMinutes() {
        world.bootAll();
        world.sim().runUntil(S);
        c1.send(Ip4.parse("192.0.2.2"));
        world.sim().runUntil(14 * MIN);
        assertThat(c1.kernel().lookupNeighbor(c1.interfaces().getFirst(), Ip4.parse("192.0.2.2"))).isNotNull();
        world.sim().runUntil(16 * MIN);
        assertThat(c1.kernel().lookupNeighbor(c1.interfaces().getFirst(), Ip4.parse("192.0.2.2"))).isNull();
    }
}
