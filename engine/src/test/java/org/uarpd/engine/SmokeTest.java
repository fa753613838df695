package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.Harness.*;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.ProtocolAddress;

class SmokeTest {
    static final int PEER = ip("192.0.2.7");
    static final org.uarpd.wire.HardwareAddress PEER_HW = mac("02:00:00:00:00:07");

    @Test
    @DisplayName("kernel miss → broadcast request → reply → InstallNeighbor(REACHABLE)")
    void missToInstall() {
        Harness h = new Harness();
        List<Action> a = h.miss(PEER);
        List<ArpPacket> req = transmitted(a);
        assertThat(req).hasSize(1);
        assertThat(req.get(0).opcode()).isEqualTo(Opcode.REQUEST);
        assertThat(req.get(0).targetProtocol()).isEqualTo(ProtocolAddress.ip4(PEER));
        assertThat(req.get(0).senderProtocol()).isEqualTo(ProtocolAddress.ip4(OUR_IP));
        assertThat(sent(a).get(0).frame().destination()).isEqualTo(BROADCAST);
        h.advance(3 * MS);
        List<Action> r = h.frame(reply(PEER_HW, PEER));
        assertThat(only(r, Action.InstallNeighbor.class))
                .containsExactly(new Action.InstallNeighbor(LINK, PEER, PEER_HW, NeighborState.REACHABLE));
        assertThat(events(r)).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo(EngineEvent.Kind.RESOLVED);
            assertThat(e.latencyNanos()).isEqualTo(3 * MS);
        });
        assertThat(h.state(PEER)).isEqualTo(NeighborState.REACHABLE);
    }

    @Test
    @DisplayName("a request for our own address is answered with our hardware address")
    void answersOwnAddress() {
        Harness h = new Harness();
        List<Action> a = h.frame(request(PEER_HW, PEER, OUR_IP));
        List<Sent> s = sent(a);
        assertThat(s).hasSize(1);
        assertThat(s.get(0).frame().destination()).isEqualTo(PEER_HW);
        ArpPacket p = s.get(0).packet();
        assertThat(p.opcode()).isEqualTo(Opcode.REPLY);
        assertThat(p.senderHardware()).isEqualTo(OUR_HW);
        assertThat(p.senderProtocol()).isEqualTo(ProtocolAddress.ip4(OUR_IP));
        assertThat(p.targetHardware()).isEqualTo(PEER_HW);
        assertThat(p.targetProtocol()).isEqualTo(ProtocolAddress.ip4(PEER));
        assertThat(only(a, Action.InstallNeighbor.class))
                .containsExactly(new Action.InstallNeighbor(LINK, PEER, PEER_HW, NeighborState.STALE));
    }

    @Test
    @DisplayName("a link with a large ifindex is found after smaller ones have grown the direct index")
    void largeLinkIdsStayReachable() {
        Harness h = new Harness();
        int far = 70_000;
        h.linkUp(40_000, "a0", mac("02:00:00:00:00:0a"));
        h.linkUp(50_000, "b0", mac("02:00:00:00:00:0b"));
        h.linkUp(far, "c0", mac("02:00:00:00:00:0c"));
        int farIp = ip("198.51.100.1");
        h.input(new Input.AddressAdded(far, farIp, 24));
        List<Action> a = h.frameOn(far, request(PEER_HW, ip("198.51.100.7"), farIp));
        assertThat(events(a)).extracting(EngineEvent::reason).doesNotContain(EngineEvent.Reason.UNKNOWN_LINK);
        assertThat(transmitted(a)).singleElement()
                .satisfies(p -> assertThat(p.senderProtocol()).isEqualTo(ProtocolAddress.ip4(farIp)));
    }

    @Test
    @DisplayName("ARP in IEEE 802.3 LLC/SNAP framing (RFC 1042) on an Ethernet link is answered; other LLC frames are not ARP")
    void llcSnapOnEthernet() {
        Harness h = new Harness();
        byte[] arp = java.util.Arrays.copyOfRange(request(PEER_HW, PEER, OUR_IP), org.uarpd.wire.link.Ethernet.HEADER,
                org.uarpd.wire.link.Ethernet.HEADER + 28);
        byte[] snap = org.uarpd.wire.link.Ieee8023.INSTANCE.encode(BROADCAST, PEER_HW, org.uarpd.wire.EtherType.ARP, arp);
        List<ArpPacket> answer = transmitted(h.frame(snap));
        assertThat(answer).singleElement().satisfies(p -> {
            assertThat(p.opcode()).isEqualTo(Opcode.REPLY);
            assertThat(p.senderProtocol()).isEqualTo(ProtocolAddress.ip4(OUR_IP));
        });
        byte[] bpdu = new byte[60]; // spanning tree: 802.3 length 38, LLC SAPs 0x42
        BROADCAST.copyTo(bpdu, 0);
        PEER_HW.copyTo(bpdu, 6);
        bpdu[13] = 38;
        bpdu[14] = 0x42;
        bpdu[15] = 0x42;
        bpdu[16] = 0x03;
        assertThat(events(h.frame(bpdu))).extracting(EngineEvent::reason).containsExactly(EngineEvent.Reason.NOT_ARP);
        assertThat(h.engine.count(EngineEvent.Reason.MALFORMED)).isZero();
    }

    @Test
    @DisplayName("a config whose neighbour timers cannot fit the timer wheel is refused up front, overflow included")
    void timersBeyondTheWheelAreRefused() {
        NeighborTimers t = NeighborTimers.defaults();
        for (NeighborTimers bad : List.of(t.withReachable(Long.MAX_VALUE / 2), t.withDelayFirstProbe(Long.MAX_VALUE / 2))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> EngineConfig.defaults().withTimers(bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beyond the wheel's reach");
        }
        assertThat(EngineConfig.defaults().withTimers(t.withReachable(3_600 * S)).timers().baseReachableNanos())
                .isEqualTo(3_600 * S);
    }
}
