package org.uarpd.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.Cidr6;
import org.uarpd.engine.EngineConfig;
import org.uarpd.engine.LinkPolicy;
import org.uarpd.engine.NdConfig;
import org.uarpd.engine.NdPublished;
import org.uarpd.engine.NeighborState;
import org.uarpd.sim.rtsock.RoutingMessage;
import org.uarpd.sim.rtsock.Rtm;
import org.uarpd.sim.rtsock.Sockaddr;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.link.Ethernet;

/**
 * IPv6 hosts on a simulated Ethernet: the kernel holds a datagram for an unknown neighbour and sends
 * RTM_MISS with a sockaddr_in6, uarpd resolves by neighbour discovery (solicitations to the target's
 * solicited-node group, which only the hosts that joined it hear) and answers with RTM_ADD, which
 * releases the datagram; published addresses, duplicate address detection between two hosts, and the
 * kernel's own ND on hosts without uarpd.
 */
class Ipv6OnSimTest {
    static final long S = Simulation.SECOND;
    static final Ip6Address A = Ip6Address.parse("2001:db8::1");
    static final Ip6Address B = Ip6Address.parse("2001:db8::2");
    static final Ip6Address C = Ip6Address.parse("2001:db8::3");
    static final Ip6Address PUBLISHED = Ip6Address.parse("2001:db8::99");
    static final Ip6Address ABSENT = Ip6Address.parse("2001:db8::77");

    final World world = new World(4861);
    final Segment lan = world.addSegment("lan0", Ethernet.INSTANCE);
    final List<RoutingMessage> seen = new ArrayList<>();

    SimHost host(String name, int n, Ip6Address address) {
        SimHost h = world.addHost(name);
        h.configure6(h.attach("eth0", lan, mac(n)), address, 64);
        return h;
    }

    static HardwareAddress mac(int n) {
        return SimAddresses.station(Ethernet.INSTANCE, n);
    }

    static SimInterface eth0(SimHost h) {
        return h.interfaces().getFirst();
    }

    void uarpd(SimHost h, NdConfig nd) {
        h.runResolver(EngineResolver.withConfig(EngineConfig.defaults().withSeed(h.name().hashCode()), nd), 0);
    }

    void monitor(SimHost h) {
        h.kernel().openMonitor(1, bytes -> seen.add(RouteOutputTest.decode(bytes)));
    }

    /** Boots everything and runs past duplicate address detection (one probe, one RetransTimer). */
    void bootAndSettle() {
        world.bootAll();
        world.sim().runUntil(2 * S);
    }

    @Test
    void uarpdHostsResolveEachOtherAndTheHeldDatagramIsReleased() {
        SimHost a = host("a", 1, A);
        SimHost b = host("b", 2, B);
        uarpd(a, NdConfig.defaults());
        uarpd(b, NdConfig.defaults());
        bootAndSettle();
        monitor(a);
        assertThat(world.timeline().grep("a          uarpd: CLAIMED 2001:db8::1 is")).hasSize(1);

        a.send6(B);
        world.sim().runUntil(3 * S);
        // the kernel held the datagram and asked with a sockaddr_in6; uarpd's RTM_ADD released it
        RoutingMessage miss = seen.stream().filter(m -> m.type() == Rtm.MISS).findFirst().orElseThrow();
        assertThat(miss.dst()).isEqualTo(new Sockaddr.In6(B));
        assertThat(miss.held()).isEqualTo(1);
        RoutingMessage add = seen.stream().filter(m -> m.type() == Rtm.ADD).findFirst().orElseThrow();
        assertThat(add.dst()).isEqualTo(new Sockaddr.In6(B));
        assertThat(add.gateway()).isInstanceOfSatisfying(Sockaddr.Dl.class, gw -> assertThat(gw.address()).isEqualTo(mac(2)));
        assertThat(add.pid()).isEqualTo(((SimBackend) a.resolver()).pid());
        assertThat(add.state()).isEqualTo(NeighborState.REACHABLE);
        assertThat(a.kernel().lookupNeighbor(eth0(a), B)).isEqualTo(mac(2));
        assertThat(world.timeline().grep("b          received packet #1 from 2001:db8::1")).hasSize(1);
        assertThat(world.stats().resolved()).isEqualTo(1);

        // and back: b learnt a from the solicitation, so its uarpd answers b's kernel at once
        b.send6(A);
        world.sim().runUntil(4 * S);
        assertThat(world.timeline().grep("a          received packet #2 from 2001:db8::2")).hasSize(1);
        assertThat(b.kernel().lookupNeighbor(eth0(b), A)).isEqualTo(mac(1));
        assertThat(world.stats().packetsDelivered()).isEqualTo(2);
        assertThat(world.stats().packetsUnreachable()).isZero();
    }

    @Test
    void aNeighbourNobodyHasFailsAndTheHeldDatagramIsUnreachable() {
        SimHost a = host("a", 1, A);
        host("b", 2, B);
        uarpd(a, NdConfig.defaults());
        bootAndSettle();
        monitor(a);
        a.send6(ABSENT);
        world.sim().runUntil(10 * S);
        // three multicast solicitations (RFC 4861 §10 MAX_MULTICAST_SOLICIT), then RTM_DELETE|RTF_REJECT
        assertThat(world.timeline().grep("a          uarpd: REQUESTED 2001:db8::77")).hasSize(3);
        assertThat(seen).filteredOn(m -> m.type() == Rtm.DELETE).singleElement()
                .satisfies(m -> {
                    assertThat(m.dst()).isEqualTo(new Sockaddr.In6(ABSENT));
                    assertThat(m.has(Rtm.RTF_REJECT)).isTrue();
                });
        assertThat(world.stats().failed()).isEqualTo(1);
        assertThat(world.stats().packetsUnreachable()).isEqualTo(1);
        assertThat(world.stats().packetsDelivered()).isZero();
    }

    @Test
    void aPublishedAddressIsAnsweredForAHostWithoutUarpd() {
        SimHost a = host("a", 1, A);
        SimHost c = host("c", 3, C);
        NdConfig nd = NdConfig.defaults();
        uarpd(a, nd.withLinks(Map.of("eth0", nd.defaultLink().withPublished(List.of(NdPublished.of(Cidr6.parse("2001:db8::99/128")))))));
        bootAndSettle();
        c.send6(PUBLISHED);
        world.sim().runUntil(4 * S);
        // c's kernel asked by its own ND; uarpd on a answered for the published address, with a's MAC
        assertThat(world.timeline().grep("c          miss 2001:db8::99 on eth0: in-kernel ND resolves")).hasSize(1);
        assertThat(world.timeline().grep("a          uarpd: ANSWERED 2001:db8::99 is " + mac(1) + " on eth0 (PUBLISHED)")).hasSize(1);
        assertThat(c.kernel().lookupNeighbor(eth0(c), PUBLISHED)).isEqualTo(mac(1));
        assertThat(world.stats().resolved()).isEqualTo(1);
        // a holds no such address and forwards nothing: the datagram reached a's interface and stopped there
        assertThat(world.stats().packetsDelivered()).isZero();
    }

    @Test
    void anAddressNobodyPublishesIsNotAnswered() {
        SimHost a = host("a", 1, A);
        SimHost c = host("c", 3, C);
        uarpd(a, NdConfig.defaults());
        bootAndSettle();
        c.send6(PUBLISHED);
        world.sim().runUntil(10 * S);
        assertThat(world.timeline().grep("uarpd: ANSWERED 2001:db8::99")).isEmpty();
        assertThat(c.kernel().lookupNeighbor(eth0(c), PUBLISHED)).isNull();
        assertThat(world.stats().failed()).isEqualTo(1);
    }

    @Test
    void duplicateAddressDetectionFindsTheSecondHolderAndItsKernelLosesTheAddress() {
        SimHost a = host("a", 1, A);
        SimHost b = host("b", 2, B);
        uarpd(a, NdConfig.defaults());
        NdConfig nd = NdConfig.defaults();
        uarpd(b, nd.withDefaultLink(nd.defaultLink().withDad(true, 1, true)));
        bootAndSettle();
        monitor(b);
        // b is given a's address: its uarpd probes for it, a's uarpd answers to all nodes
        b.addAddress6(eth0(b), A, 64);
        world.sim().runUntil(4 * S);
        assertThat(world.timeline().grep("b          uarpd: CONFLICT 2001:db8::1 is " + mac(1))).hasSize(1);
        assertThat(world.timeline().grep("(PROBE_CONFLICT)")).hasSize(1);
        assertThat(world.timeline().grep("a          uarpd: ANSWERED 2001:db8::1 is " + mac(1) + " on eth0 (OWN_ADDRESS)")).hasSize(1);
        // removeOnConflict: the kernel deletes the address and says so with a sockaddr_in6
        assertThat(seen).filteredOn(m -> m.type() == Rtm.DELADDR).singleElement()
                .satisfies(m -> assertThat(m.ifa()).isEqualTo(new Sockaddr.In6(A)));
        assertThat(eth0(b).owns6(A)).isFalse();
        assertThat(eth0(b).owns6(B)).isTrue();
        assertThat(eth0(a).owns6(A)).isTrue();
    }

    @Test
    void onAnAuthoritativeLinkADuplicateIsDeletedEvenWithoutRemoveOnConflict() {
        // The simulated kernel has no DAD of its own (uarpd does all of ND), as a Linux kernel behind
        // uarpd's drop hears no advertisement: left in place, the duplicate would stay in use, which
        // RFC 4862 §5.4.5 forbids. So uarpd deletes it whatever remove-on-conflict says.
        SimHost a = host("a", 1, A);
        SimHost b = host("b", 2, B);
        uarpd(a, NdConfig.defaults());
        uarpd(b, NdConfig.defaults());
        bootAndSettle();
        b.addAddress6(eth0(b), A, 64);
        world.sim().runUntil(4 * S);
        assertThat(world.timeline().grep("b          uarpd: CONFLICT 2001:db8::1 is " + mac(1))).hasSize(1);
        assertThat(world.timeline().grep("b          uarpd: REMOVED 2001:db8::1")).hasSize(1);
        assertThat(eth0(b).owns6(A)).isFalse();
        assertThat(eth0(b).owns6(B)).isTrue();
        assertThat(eth0(a).owns6(A)).isTrue();
        // b never finished DAD for it, so never claimed it
        assertThat(world.timeline().grep("b          uarpd: CLAIMED 2001:db8::1 is")).isEmpty();
    }

    @Test
    void hostsWithoutUarpdResolveByTheKernelsOwnNdAndOnlyTheSolicitedGroupHearsTheSolicitation() {
        SimHost a = host("a", 1, A);
        host("b", 2, B);
        SimHost c = host("c", 3, C);
        world.bootAll();
        world.sim().runUntil(S);
        long before = lan.deliveries();
        c.send6(A);
        world.sim().runUntil(2 * S);
        assertThat(world.timeline().grep("a          received packet #1 from 2001:db8::3")).hasSize(1);
        assertThat(c.kernel().lookupNeighbor(eth0(c), A)).isEqualTo(mac(1));
        // a learnt c from the solicitation (RFC 4861 §7.2.3), STALE
        assertThat(a.kernel().neighborTable()).contains("2001:db8::3 eth0 " + mac(3) + " STALE");
        // solicitation to a's solicited-node group (a only, not b), advertisement to c, the datagram to a
        assertThat(lan.deliveries() - before).isEqualTo(3);
    }

    @Test
    void whenUarpdDiesTheKernelsOwnNdTakesOverThePendingResolution() {
        SimHost a = host("a", 1, A);
        host("b", 2, B);
        uarpd(a, NdConfig.defaults());
        bootAndSettle();
        a.send6(B);
        a.killResolver();
        world.sim().runUntil(4 * S);
        assertThat(world.timeline().grep("b          received packet #1 from 2001:db8::1")).hasSize(1);
        assertThat(a.kernel().lookupNeighbor(eth0(a), B)).isEqualTo(mac(2));
    }

    @Test
    void inAssistModeTheKernelResolvesAndAnswersWhileUarpdAnswersForWhatItPublishes() {
        SimHost a = host("a", 1, A);
        SimHost c = host("c", 3, C);
        a.setAssist(true);
        NdConfig nd = NdConfig.defaults();
        a.runResolver(EngineResolver.withConfig(EngineConfig.defaults().withDefaultLink(LinkPolicy.assist()),
                nd.withLinks(Map.of("eth0", nd.defaultLink().withPublished(List.of(NdPublished.of(Cidr6.parse("2001:db8::99/128"))))))), 0);
        bootAndSettle();
        a.send6(C);          // resolved by a's kernel, uarpd hearing the miss
        c.send6(A);          // answered by a's kernel
        c.send6(PUBLISHED);  // answered by uarpd
        world.sim().runUntil(4 * S);
        assertThat(world.timeline().grep("a          RTM_MISS 2001:db8::3")).hasSize(1);
        assertThat(a.kernel().lookupNeighbor(eth0(a), C)).isEqualTo(mac(3));
        assertThat(world.timeline().grep("a          uarpd: ANSWERED 2001:db8::1 ")).isEmpty();
        assertThat(world.timeline().grep("a          uarpd: IGNORED 2001:db8::1 on eth0 (KERNEL_ANSWERS)")).isNotEmpty();
        assertThat(c.kernel().lookupNeighbor(eth0(c), A)).isEqualTo(mac(1));
        assertThat(world.timeline().grep("a          uarpd: ANSWERED 2001:db8::99")).hasSize(1);
        assertThat(c.kernel().lookupNeighbor(eth0(c), PUBLISHED)).isEqualTo(mac(1));
        assertThat(world.timeline().grep("received packet")).hasSize(2);
        assertThat(world.stats().failed()).isZero();
    }
}
