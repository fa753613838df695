package org.uarpd.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineConfig;
import org.uarpd.engine.LinkPolicy;
import org.uarpd.engine.rarp.EthersTable;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.link.Ethernet;

/**
 * The one objection to the 1996 NetBSD routing-socket proposal, answered: a diskless client boots
 * with the kernel's minimal ARP and RARP (answered by uarpd's RARP server on another host), then
 * starts uarpd, which takes over.
 */
class DisklessBootTest {
    static final long S = Simulation.SECOND;
    static final int SERVER = Ip4.parse("192.0.2.1");
    static final int CLIENT = Ip4.parse("192.0.2.5");
    static final int PEER = Ip4.parse("192.0.2.7");

    @Test
    void rarpThenKernelArpThenUarpdTakesOver() {
        World world = new World(5);
        Segment lan = world.addSegment("lan0", Ethernet.INSTANCE);
        HardwareAddress clientMac = SimAddresses.station(Ethernet.INSTANCE, 5);

        SimHost server = world.addHost("server");
        server.configure(server.attach("eth0", lan, SimAddresses.station(Ethernet.INSTANCE, 1)), SERVER, 24);
        server.runResolver(EngineResolver.withConfig(EngineConfig.defaults()
                .withLinks(Map.of("eth0", LinkPolicy.authoritative().withRarp(true)))
                .withEthers(new EthersTable(Map.of(clientMac, CLIENT)))), 0);

        SimHost peer = world.addHost("peer");
        peer.configure(peer.attach("eth0", lan, SimAddresses.station(Ethernet.INSTANCE, 7)), PEER, 24);

        SimHost client = world.addHost("client");
        SimInterface clientIf = client.attach("le0", lan, clientMac);
        client.configureRarp(clientIf, 24);
        client.runResolver(EngineResolver.withConfig(EngineConfig.defaults()), 5 * S);

        // the client powers on a little after the server's uarpd is up
        server.boot();
        peer.boot();
        world.sim().runUntil(S / 2);
        client.boot();
        world.sim().runUntil(S);
        assertThat(clientIf.addresses()).extracting(SimInterface.InterfaceAddress::address).containsExactly(CLIENT);
        assertThat(world.timeline().grep("uarpd: ANSWERED 192.0.2.5")).hasSize(1);

        // before uarpd: the kernel's own ARP fetches the boot server
        client.send(SERVER);
        world.sim().runUntil(2 * S);
        assertThat(world.timeline().grep("client     miss 192.0.2.1 on le0: in-kernel ARP resolves")).hasSize(1);
        assertThat(client.kernel().lookupNeighbor(clientIf, SERVER)).isNotNull();

        // uarpd starts at 5.5 s: it reads the interfaces, the RARP-learnt address and the kernel's bindings
        world.sim().runUntil(6 * S);
        assertThat(client.kernel().resolverAttached()).isTrue();
        client.send(PEER);
        world.sim().runUntil(7 * S);
        assertThat(world.timeline().grep("client     RTM_MISS 192.0.2.7")).hasSize(1);
        assertThat(world.timeline().grep("client     uarpd: RESOLVED 192.0.2.7")).hasSize(1);
        // and uarpd now answers for the address the client got by RARP
        SimHost late = world.addHost("late");
        late.configure(late.attach("eth0", lan, SimAddresses.station(Ethernet.INSTANCE, 9)), Ip4.parse("192.0.2.9"), 24);
        late.boot();
        late.send(CLIENT);
        world.sim().runUntil(8 * S);
        assertThat(world.timeline().grep("client     uarpd: ANSWERED 192.0.2.5")).hasSize(1);
        assertThat(world.stats().packetsDelivered()).isEqualTo(3);
        assertThat(world.stats().failed()).isZero();
    }
}
