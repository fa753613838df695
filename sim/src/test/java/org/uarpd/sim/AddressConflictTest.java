package org.uarpd.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.ConflictPolicy;
import org.uarpd.engine.EngineConfig;
import org.uarpd.engine.LinkPolicy;
import org.uarpd.sim.rtsock.RoutingMessage;
import org.uarpd.sim.rtsock.Rtm;
import org.uarpd.sim.rtsock.Sockaddr;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.link.Ethernet;

/**
 * RFC 5227 §2.4 on the simulated kernel: a uarpd host whose address a legacy host also uses defends
 * it once, then yields (option b) and — told to remove a lost address — has the kernel delete it,
 * which the kernel announces with RTM_DELADDR as BSD does after SIOCDIFADDR.
 */
class AddressConflictTest {
    static final long S = Simulation.SECOND;
    static final int SHARED = Ip4.parse("192.0.2.1");
    /** An address nobody holds: the legacy host asks for it again every second (4.4BSD arp_maxtries). */
    static final int ABSENT = Ip4.parse("192.0.2.9");

    final World world = new World(5227);
    final Segment lan = world.addSegment("lan0", Ethernet.INSTANCE);
    final List<RoutingMessage> seenByMonitor = new ArrayList<>();

    SimHost host(String name, int n, int ip) {
        SimHost h = world.addHost(name);
        h.configure(h.attach("eth0", lan, SimAddresses.station(Ethernet.INSTANCE, n)), ip, 24);
        return h;
    }

    /** Both hosts boot with the address; uarpd on "a", under {@code conflict}, meets the legacy host using it. */
    SimHost conflictWithLegacyHost(ConflictPolicy conflict) {
        SimHost a = host("a", 1, SHARED);
        SimHost legacy = host("legacy", 2, SHARED);
        EngineConfig config = EngineConfig.defaults().withSeed(7)
                .withLinks(Map.of("eth0", LinkPolicy.authoritative().withConflict(conflict)));
        a.runResolver(EngineResolver.withConfig(config), 0);
        world.bootAll();
        // a routing-socket listener besides uarpd (as route monitor would be), opened on the booted kernel
        a.kernel().openMonitor(1, bytes -> seenByMonitor.add(RouteOutputTest.decode(bytes)));
        // past the announcements; no probe (a probe would have met the legacy host's answer: see below)
        world.sim().runUntil(15 * S);
        assertThat(a.interfaces().getFirst().owns(SHARED)).as("a holds its address before the conflict").isTrue();
        // the legacy host uses the same address: its unanswered ARP requests, one a second, carry it as sender
        legacy.send(ABSENT);
        world.sim().runUntil(30 * S);
        return a;
    }

    @Test
    void yieldingRemovesTheAddressAndTheKernelAnnouncesRtmDeladdr() {
        SimHost a = conflictWithLegacyHost(ConflictPolicy.rfc5227().withProbe(false));
        // defended once (§2.4 b), then the second claim within DEFEND_INTERVAL makes it yield
        assertThat(world.timeline().grep("uarpd: CONFLICT 192.0.2.1")).hasSize(2);
        assertThat(world.timeline().grep("(YIELDED)")).hasSize(1);
        assertThat(seenByMonitor).filteredOn(m -> m.type() == Rtm.DELADDR)
                .singleElement()
                .satisfies(m -> {
                    assertThat(m.index()).isEqualTo(a.interfaces().getFirst().index());
                    assertThat(m.ifa()).isEqualTo(new Sockaddr.In(SHARED));
                });
        assertThat(a.interfaces().getFirst().owns(SHARED)).isFalse();
        assertThat(a.interfaces().getFirst().addresses()).isEmpty();
        // the engine reports the loss as an event of its own
        assertThat(world.timeline().grep("uarpd: REMOVED 192.0.2.1 on eth0 (ADDRESS_CONFLICT)")).hasSize(1);
    }

    @Test
    void aProbeAnsweredByTheLegacyHostMeansTheAddressIsNeverUsed() {
        SimHost legacy = host("legacy", 2, SHARED);
        legacy.boot();
        world.sim().runUntil(S);
        SimHost a = host("a", 1, SHARED);
        a.runResolver(EngineResolver.withConfig(EngineConfig.defaults().withSeed(7)
                .withLinks(Map.of("eth0", LinkPolicy.authoritative().withConflict(ConflictPolicy.rfc5227())))), 0);
        a.boot();
        a.kernel().openMonitor(1, bytes -> seenByMonitor.add(RouteOutputTest.decode(bytes)));
        world.sim().runUntil(15 * S);
        // RFC 5227 §2.1.1: the holder's reply to a probe is a conflict; uarpd never claims nor announces
        assertThat(world.timeline().grep("(PROBE_CONFLICT)")).isNotEmpty();
        assertThat(world.timeline().grep("uarpd: CLAIMED 192.0.2.1 is")).isEmpty();
        assertThat(world.timeline().grep("(ANNOUNCED)")).isEmpty();
        assertThat(seenByMonitor).filteredOn(m -> m.type() == Rtm.DELADDR).singleElement()
                .satisfies(m -> assertThat(m.ifa()).isEqualTo(new Sockaddr.In(SHARED)));
        assertThat(a.interfaces().getFirst().owns(SHARED)).isFalse();
        assertThat(legacy.interfaces().getFirst().owns(SHARED)).isTrue();
        // the probe taught the legacy host nothing (its sender is 0.0.0.0)
        assertThat(legacy.kernel().lookupNeighbor(legacy.interfaces().getFirst(), 0)).isNull();
    }

    @Test
    void withoutRemoveOnConflictTheAddressStays() {
        SimHost a = conflictWithLegacyHost(ConflictPolicy.rfc5227().withProbe(false).withRemoveOnConflict(false));
        assertThat(world.timeline().grep("uarpd: CONFLICT 192.0.2.1")).isNotEmpty();
        assertThat(seenByMonitor).noneMatch(m -> m.type() == Rtm.DELADDR);
        assertThat(a.interfaces().getFirst().owns(SHARED)).isTrue();
    }
}
