package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.Harness.*;
import static org.uarpd.engine.NeighborState.*;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.ProtocolAddress;

/**
 * Scenarios of NetBSD's tests/net/arp/t_arp.sh and FreeBSD's tests/sys/netinet/arp.sh, re-expressed
 * against the engine on a manual clock (their kernels' arp(8) commands become operator commands,
 * their pings become kernel misses and frames).
 */
class BsdArpScenariosTest {
    static final int DST = ip("192.0.2.2");
    static final HardwareAddress DST_HW = mac("b2:a0:20:00:00:02");

    @Test
    @DisplayName("NetBSD arp_cache_expiration: a resolved entry is gone once reachable time and stale lifetime have passed")
    void cacheExpiration() {
        EngineConfig c = EngineConfig.defaults().withTimers(NeighborTimers.defaults().withReachable(2 * S).withStaleLifetime(3 * S));
        Harness h = new Harness(c);
        h.miss(DST);
        h.frame(reply(DST_HW, DST));
        assertThat(h.state(DST)).isEqualTo(REACHABLE);
        h.advance(3 * S); // at most 1.5 × 2 s
        assertThat(h.state(DST)).isEqualTo(STALE);
        h.advance(3 * S + MS);
        assertThat(h.state(DST)).isNull();
        assertThat(events(h.actions)).last().satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.STALE_EXPIRED));
    }

    @Test
    @DisplayName("NetBSD arp_command: static entries added one by one and from a list show as permanent; deleting removes them")
    void arpCommand() {
        Harness h = new Harness();
        h.command(new OperatorCommand.AddStatic(LINK, ip("192.0.2.10"), mac("b2:a0:20:00:00:10")));
        assertThat(h.state(ip("192.0.2.10"))).isEqualTo(STATIC);
        h.command(new OperatorCommand.DeleteStatic(LINK, ip("192.0.2.10")));
        assertThat(h.state(ip("192.0.2.10"))).isNull();
        for (int i = 11; i <= 15; i++) {
            h.command(new OperatorCommand.AddStatic(LINK, ip("192.0.2." + i), HardwareAddress.ofLong48(0xb2a020000000L + i)));
        }
        assertThat(h.engine.neighbors()).hasSize(5).allSatisfy(n -> assertThat(n.state()).isEqualTo(STATIC));
        for (int i = 11; i <= 15; i++) h.command(new OperatorCommand.DeleteStatic(LINK, ip("192.0.2." + i)));
        assertThat(h.engine.size()).isZero();
        // deleting what is not there is reported, not thrown
        assertThat(events(h.command(new OperatorCommand.DeleteStatic(LINK, ip("192.0.2.11")))))
                .extracting(EngineEvent::reason).containsExactly(Reason.NO_SUCH_ENTRY);
    }

    @Test
    @DisplayName("NetBSD arp_garp: adding an address announces it with a gratuitous request (who-has A tell A)")
    void garpOnAddressAdd() {
        EngineConfig c = EngineConfig.defaults().withDefaultLink(LinkPolicy.authoritative().withAnnounce(true));
        Harness h = new Harness(c);
        h.actions.clear();
        List<Action> a = h.input(new Input.AddressAdded(LINK, ip("192.0.2.3"), 24));
        assertThat(sent(a)).singleElement().satisfies(s -> {
            assertThat(s.frame().destination()).isEqualTo(BROADCAST);
            assertThat(s.packet().opcode()).isEqualTo(Opcode.REQUEST);
            assertThat(s.packet().senderProtocol()).isEqualTo(ProtocolAddress.ip4(ip("192.0.2.3")));
            assertThat(s.packet().targetProtocol()).isEqualTo(ProtocolAddress.ip4(ip("192.0.2.3")));
        });
        // the same address again is no news
        assertThat(transmitted(h.input(new Input.AddressAdded(LINK, ip("192.0.2.3"), 24)))).isEmpty();
    }

    @Test
    @DisplayName("NetBSD arp_link_activation: a new hardware address is announced with the new address as sender")
    void linkActivation() {
        EngineConfig c = EngineConfig.defaults().withDefaultLink(LinkPolicy.authoritative().withAnnounce(true));
        Harness h = new Harness(c);
        HardwareAddress fresh = mac("b2:a1:00:00:00:02");
        List<Action> a = h.input(new Input.LinkChanged(LINK, "eth0", org.uarpd.wire.link.Ethernet.INSTANCE, fresh, true));
        assertThat(sent(a)).singleElement().satisfies(s -> {
            assertThat(s.frame().source()).isEqualTo(fresh);
            assertThat(s.packet().senderHardware()).isEqualTo(fresh);
            assertThat(s.packet().senderProtocol()).isEqualTo(ProtocolAddress.ip4(OUR_IP));
        });
    }

    @Test
    @DisplayName("NetBSD arp_garp (receiving side): a gratuitous ARP updates an existing entry but creates none")
    void garpReceived() {
        Harness h = new Harness();
        h.frame(gratuitous(DST_HW, DST));
        assertThat(h.state(DST)).isNull();
        h.frame(request(DST_HW, DST, OUR_IP));
        HardwareAddress moved = mac("b2:a0:20:00:00:99");
        // even within the lock time: an announcement overrides it, as Linux does
        List<Action> a = h.frame(gratuitous(moved, DST));
        assertThat(h.hardware(DST)).isEqualTo(moved);
        assertThat(events(a)).filteredOn(e -> e.kind() == Kind.CHANGED).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.GRATUITOUS));
    }

    @Test
    @DisplayName("NetBSD arp_cache_overwriting: a dynamic entry and a static one may be overwritten by a static entry")
    void cacheOverwriting() {
        Harness h = new Harness();
        h.command(new OperatorCommand.AddStatic(LINK, DST, mac("b2:a0:20:00:00:ff")));
        h.command(new OperatorCommand.DeleteStatic(LINK, DST));
        h.miss(DST);
        h.frame(reply(DST_HW, DST));
        assertThat(h.state(DST)).isEqualTo(REACHABLE);
        h.command(new OperatorCommand.AddStatic(LINK, DST, mac("b2:a0:20:00:00:00")));
        assertThat(h.state(DST)).isEqualTo(STATIC);
        assertThat(h.hardware(DST)).isEqualTo(mac("b2:a0:20:00:00:00"));
        h.command(new OperatorCommand.AddStatic(LINK, DST, mac("b2:a0:20:00:00:fe")));
        assertThat(h.hardware(DST)).isEqualTo(mac("b2:a0:20:00:00:fe"));
    }

    @Test
    @DisplayName("NetBSD arp_proxy_arp_pub: a published address is answered with its configured hardware address, endpoint present or not")
    void proxyArpPub() {
        HardwareAddress routerHw = mac("b2:a0:20:00:00:aa");
        Harness h = new Harness();
        int proxied = ip("192.0.2.3");
        h.command(new OperatorCommand.Publish(LINK, PublishedEntry.address(proxied).withHardware(routerHw)));
        List<Sent> s = sent(h.frame(request(DST_HW, DST, proxied)));
        assertThat(s).singleElement().satisfies(x -> {
            assertThat(x.packet().opcode()).isEqualTo(Opcode.REPLY);
            assertThat(x.packet().senderHardware()).isEqualTo(routerHw);
            assertThat(x.packet().senderProtocol()).isEqualTo(ProtocolAddress.ip4(proxied));
            assertThat(x.frame().destination()).isEqualTo(DST_HW);
        });
        // a published entry is not a neighbour entry: the table holds nothing for it
        assertThat(h.state(proxied)).isNull();
        h.command(new OperatorCommand.Unpublish(LINK, PublishedEntry.address(proxied).withHardware(routerHw)));
        assertThat(transmitted(h.frame(request(DST_HW, DST, proxied)))).isEmpty();
    }

    @Test
    @DisplayName("NetBSD arp_proxy_arp_pubproxy: addresses routed out of another link are answered with our own address (RFC 1027)")
    void proxyArpRouted() {
        Harness h = new Harness();
        HardwareAddress tapHw = mac("02:00:00:00:01:01");
        h.linkUp(2, "tap1", tapHw);
        h.input(new Input.AddressAdded(2, ip("198.51.100.1"), 24));
        h.command(new OperatorCommand.Publish(LINK, PublishedEntry.routedElsewhere()));
        int behind = ip("198.51.100.3");
        ArpPacket p = transmitted(h.frame(request(DST_HW, DST, behind))).get(0);
        assertThat(p.senderHardware()).isEqualTo(OUR_HW);
        assertThat(p.senderProtocol()).isEqualTo(ProtocolAddress.ip4(behind));
        assertThat(events(h.actions)).anySatisfy(e -> assertThat(e.reason()).isEqualTo(Reason.PROXY));
        // an address on the asking link's own subnet is not proxied
        assertThat(transmitted(h.frame(request(DST_HW, DST, ip("192.0.2.77"))))).isEmpty();
        // nor one no link of ours reaches
        assertThat(transmitted(h.frame(request(DST_HW, DST, ip("203.0.113.5"))))).isEmpty();
    }

    @Test
    @DisplayName("NetBSD arp_static: a request from a host we hold a static entry for is answered and leaves the entry alone")
    void staticRequester() {
        Harness h = new Harness();
        h.command(new OperatorCommand.AddStatic(LINK, DST, DST_HW));
        h.actions.clear();
        List<Action> a = h.frame(request(DST_HW, DST, OUR_IP));
        assertThat(transmitted(a)).singleElement().satisfies(p -> assertThat(p.opcode()).isEqualTo(Opcode.REPLY));
        assertThat(h.state(DST)).isEqualTo(STATIC);
        assertThat(only(a, Action.InstallNeighbor.class)).isEmpty();
    }

    @Test
    @DisplayName("NetBSD arp_purge_on_ifdown: dynamic entries go when the link goes down, static ones stay")
    void purgeOnIfdown() {
        Harness h = new Harness();
        h.miss(DST);
        h.frame(reply(DST_HW, DST));
        h.command(new OperatorCommand.AddStatic(LINK, ip("192.0.2.50"), mac("b2:a0:20:00:00:50")));
        h.input(new Input.LinkChanged(LINK, "eth0", org.uarpd.wire.link.Ethernet.INSTANCE, OUR_HW, false));
        assertThat(h.state(DST)).isNull();
        assertThat(h.state(ip("192.0.2.50"))).isEqualTo(STATIC);
    }

    @Test
    @DisplayName("NetBSD arp_purge_on_route_delete: entries on a subnet the link no longer has are removed")
    void purgeOnRouteDelete() {
        Harness h = new Harness();
        h.miss(DST);
        h.frame(reply(DST_HW, DST));
        h.input(new Input.AddressRemoved(LINK, OUR_IP, 24));
        assertThat(h.state(DST)).isNull();
        assertThat(events(h.actions)).last().satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.ADDRESS_REMOVED));
    }

    @Test
    @DisplayName("NetBSD arp_rtm: a failed resolution on the subnet reports a miss outcome (FAILED) to the kernel")
    void rtmMiss() {
        Harness h = new Harness();
        int nobody = ip("192.0.2.99");
        h.miss(nobody);
        h.advance(5 * S);
        assertThat(events(h.actions)).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo(Kind.FAILED);
            assertThat(e.address()).isEqualTo(nobody);
        });
        assertThat(only(h.actions, Action.RemoveNeighbor.class)).containsExactly(new Action.RemoveNeighbor(LINK, nobody, true));
    }

    @Test
    @DisplayName("FreeBSD arp static: a static entry is not modified by the host's gratuitous ARP; after deletion the host is learnt; arp -S replaces it")
    void freeBsdStatic() {
        Harness h = new Harness();
        HardwareAddress zero = HardwareAddress.ofLong48(0);
        h.command(new OperatorCommand.AddStatic(LINK, DST, zero));
        List<Action> a = h.frame(gratuitous(DST_HW, DST));
        assertThat(h.hardware(DST)).isEqualTo(zero);
        assertThat(h.state(DST)).isEqualTo(STATIC);
        // FreeBSD logs "attempts to modify permanent entry"; we report it
        assertThat(events(a)).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(Kind.IGNORED);
            assertThat(e.reason()).isEqualTo(Reason.STATIC_ENTRY);
            assertThat(e.hardware()).isEqualTo(DST_HW);
        });
        h.command(new OperatorCommand.DeleteStatic(LINK, DST));
        h.frame(request(DST_HW, DST, OUR_IP)); // the host pings us
        assertThat(h.state(DST)).isEqualTo(STALE);
        assertThat(h.hardware(DST)).isEqualTo(DST_HW);
        h.command(new OperatorCommand.AddStatic(LINK, DST, zero));
        assertThat(h.state(DST)).isEqualTo(STATIC);
        assertThat(h.hardware(DST)).isEqualTo(zero);
    }

    @Test
    @DisplayName("FreeBSD arp_add_success / arp_del_success: a static entry is installed permanent, a deleted one is gone")
    void freeBsdAddDelete() {
        Harness h = new Harness();
        HardwareAddress hw = mac("90:10:00:01:02:03");
        List<Action> a = h.command(new OperatorCommand.AddStatic(LINK, DST, hw));
        assertThat(only(a, Action.InstallNeighbor.class)).containsExactly(new Action.InstallNeighbor(LINK, DST, hw, STATIC));
        a = h.command(new OperatorCommand.DeleteStatic(LINK, DST));
        assertThat(only(a, Action.RemoveNeighbor.class)).containsExactly(new Action.RemoveNeighbor(LINK, DST, false));
        assertThat(h.engine.lookup(LINK, DST)).isNull();
    }

    @Test
    @DisplayName("FreeBSD pending_delete_if: removing a link with many pending resolutions drops them all cleanly")
    void pendingDeleteIf() {
        Harness h = new Harness();
        for (int i = 2; i <= 200; i++) h.miss(ip("192.0.2." + i));
        assertThat(h.engine.pendingResolutions()).isEqualTo(199);
        h.input(new Input.LinkRemoved(LINK));
        assertThat(h.engine.size()).isZero();
        assertThat(h.engine.pendingResolutions()).isZero();
        assertThat(h.engine.nextDeadline()).isEqualTo(Long.MAX_VALUE);
        // nothing is retransmitted on a link that is gone
        assertThat(transmitted(h.advance(10 * S))).isEmpty();
    }
}
