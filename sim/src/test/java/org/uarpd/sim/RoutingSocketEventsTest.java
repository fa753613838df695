package org.uarpd.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineConfig;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.link.Ethernet;

/** What the kernel tells uarpd on the routing socket besides misses, and what comes of it. */
class RoutingSocketEventsTest {
    static final long S = Simulation.SECOND;
    static final int U = Ip4.parse("192.0.2.1");
    static final int P = Ip4.parse("192.0.2.2");
    static final int ALIAS = Ip4.parse("192.0.2.50");

    final World world = new World(21);
    final Segment lan = world.addSegment("lan0", Ethernet.INSTANCE);
    final SimHost u = world.addHost("u");
    final SimInterface ui = u.attach("eth0", lan, SimAddresses.station(Ethernet.INSTANCE, 1));
    final SimHost p = world.addHost("p");
    final SimInterface pi = p.attach("eth0", lan, SimAddresses.station(Ethernet.INSTANCE, 2));

    {
        u.configure(ui, U, 24);
        p.configure(pi, P, 24);
        u.runResolver(EngineResolver.withConfig(EngineConfig.defaults()), 0);
    }

    void start() {
        world.bootAll();
        world.sim().runUntil(S / 10);
    }

    @Test
    void newAddressIsAnsweredForAndARemovedOneIsNot() {
        start();
        u.addAddress(ui, ALIAS, 24);
        world.sim().runUntil(S / 5);
        p.send(ALIAS);
        world.sim().runUntil(2 * S);
        assertThat(world.timeline().grep("u          uarpd: ANSWERED 192.0.2.50")).hasSize(1);
        assertThat(world.stats().packetsDelivered()).isEqualTo(1);

        u.removeAddress(ui, ALIAS);
        world.sim().runUntil(3 * S);
        p.kernel().remove(pi, ALIAS);
        p.send(ALIAS);
        world.sim().runUntil(10 * S);
        assertThat(world.timeline().grep("u          uarpd: ANSWERED 192.0.2.50")).hasSize(1);
        assertThat(world.stats().failed()).isEqualTo(1);
    }

    @Test
    void linkDownFlushesBindingsAndLinkUpResolvesAgain() {
        start();
        u.send(P);
        world.sim().runUntil(S);
        assertThat(u.kernel().lookupNeighbor(ui, P)).isNotNull();
        u.setLinkUp(ui, false);
        world.sim().runUntil(2 * S);
        assertThat(u.kernel().lookupNeighbor(ui, P)).isNull();
        assertThat(world.timeline().grep("u          eth0 down")).hasSize(1);
        u.setLinkUp(ui, true);
        world.sim().runUntil(3 * S);
        u.send(P);
        world.sim().runUntil(4 * S);
        assertThat(u.kernel().lookupNeighbor(ui, P)).isEqualTo(pi.address());
        assertThat(world.stats().packetsDelivered()).isEqualTo(2);
        assertThat(world.timeline().grep("u          RTM_MISS 192.0.2.2")).hasSize(2);
    }

    @Test
    void anOperatorsKernelStaticEntryReachesUarpdAsSomeoneElsesChange() {
        start();
        HardwareAddress pinned = HardwareAddress.parse("02:00:00:00:00:99");
        u.kernel().addStatic(ui, P, pinned);
        world.sim().runUntil(S);
        // the RTM_ADD (pid 0, RTF_STATIC) became KernelNeighborChanged(STATIC) for the engine, which
        // adopts it as a static entry the kernel owns: nothing from the wire will be installed over it
        assertThat(world.timeline().grep("u          uarpd: ADDED 192.0.2.2 is 02:00:00:00:00:99 on eth0 (KERNEL_CHANGED)")).hasSize(1);
        assertThat(world.timeline().grep("u          RTM_CHANGE 192.0.2.2")).isEmpty();
        assertThat(u.kernel().lookupNeighbor(ui, P)).isEqualTo(pinned);
        // packets use the operator's binding at once: no miss
        u.send(P);
        world.sim().runUntil(2 * S);
        assertThat(world.timeline().grep("RTM_MISS")).isEmpty();
    }

    @Test
    void trafficOnAStaleBindingAsksUarpdToReCheckIt() {
        start();
        p.send(U); // uarpd answers and learns p from the request: installed STALE
        world.sim().runUntil(S);
        assertThat(world.timeline().grep("u          RTM_ADD 192.0.2.2 " + pi.address() + " STALE")).hasSize(1);
        u.send(P);
        world.sim().runUntil(10 * S);
        // sent at once on the stale binding, and a re-check asked: uarpd probed p by unicast and confirmed it
        assertThat(world.timeline().grep("u          RTM_MISS 192.0.2.2 on eth0 (re-check")).hasSize(1);
        assertThat(world.timeline().grep("u          RTM_CHANGE 192.0.2.2 " + pi.address() + " REACHABLE")).hasSize(1);
        assertThat(world.stats().packetsDelivered()).isEqualTo(2);

        // p disappears; uarpd's binding goes stale (and so does the kernel's copy); the next packet
        // asks for a re-check, uarpd's unicast probes go unanswered, and the binding is taken away
        p.crash();
        world.sim().runUntil(60 * S);
        assertThat(world.timeline().grep("u          RTM_CHANGE 192.0.2.2 " + pi.address() + " STALE")).hasSize(1);
        u.send(P);
        world.sim().runUntil(80 * S);
        assertThat(world.timeline().grep("u          RTM_MISS 192.0.2.2 on eth0 (re-check")).hasSize(2);
        assertThat(u.kernel().lookupNeighbor(ui, P)).isNull();
    }

    @Test
    void anUnusedBindingLeavesTheKernelAtTheEndOfItsStaleLifetime() {
        start();
        p.send(U);
        world.sim().runUntil(S);
        assertThat(u.kernel().lookupNeighbor(ui, P)).isEqualTo(pi.address());
        world.sim().runUntil(1300 * S); // the engine's stale lifetime is BSD's arpt_keep, 20 minutes
        assertThat(u.kernel().lookupNeighbor(ui, P)).isNull();
        assertThat(world.timeline().grep("u          RTM_DELETE 192.0.2.2")).hasSize(1);
    }

    @Test
    void aDeeperHoldQueueDeliversTheWholeBurst() {
        u.setHoldDepth(4);
        start();
        for (int i = 0; i < 4; i++) u.send(P);
        world.sim().runUntil(S);
        assertThat(world.stats().packetsDelivered()).isEqualTo(4);
        assertThat(world.stats().packetsHoldDropped()).isZero();
        assertThat(world.timeline().grep("u          RTM_MISS 192.0.2.2")).hasSize(1);
    }

    @Test
    void aCrashedUarpdHostComesBackWithAFreshUarpd() {
        start();
        u.send(P);
        world.sim().runUntil(S);
        u.crash();
        world.sim().runUntil(2 * S);
        u.restart();
        world.sim().runUntil(3 * S);
        assertThat(u.kernel().resolverAttached()).isTrue();
        assertThat(u.kernel().lookupNeighbor(ui, P)).isNull();
        u.send(P);
        world.sim().runUntil(4 * S);
        assertThat(world.timeline().grep("u          uarpd starts")).hasSize(2);
        assertThat(world.timeline().grep("u          RTM_MISS 192.0.2.2")).hasSize(2);
        assertThat(world.stats().packetsDelivered()).isEqualTo(2);
    }
}
