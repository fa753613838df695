package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.Harness.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.ProtocolAddress;

/** Proxy-ARP bridging between two links of one subnet, cold and warm. */
class BridgeTest {
    static final int LEFT = LINK;
    static final int RIGHT = 2;
    static final HardwareAddress RIGHT_HW = mac("02:00:00:00:00:02");
    static final int RIGHT_IP = ip("192.0.2.2");
    static final int H1 = ip("192.0.2.11");
    static final HardwareAddress H1_HW = mac("02:00:00:00:01:11");
    static final int H1B = ip("192.0.2.13");
    static final HardwareAddress H1B_HW = mac("02:00:00:00:01:13");
    static final int H2 = ip("192.0.2.12");
    static final HardwareAddress H2_HW = mac("02:00:00:00:02:12");

    static Harness bridged() {
        LinkPolicy p = LinkPolicy.authoritative().withBridge(true);
        Harness h = new Harness(EngineConfig.defaults().withLinks(Map.of("eth0", p, "eth1", p)));
        h.linkUp(RIGHT, "eth1", RIGHT_HW);
        h.input(new Input.AddressAdded(RIGHT, RIGHT_IP, 24));
        h.actions.clear();
        return h;
    }

    static byte[] replyTo(HardwareAddress from, int sender, HardwareAddress to, int target) {
        return arpFrame(to, from, EtherType.ARP, Opcode.REPLY, from, sender, to, target);
    }

    @Test
    @DisplayName("cold: a request across the bridge resolves the far host and is answered as soon as it resolves; routes are installed")
    void cold() {
        Harness h = bridged();
        List<Action> ask = h.frameOn(LEFT, request(H1_HW, H1, H2));
        // H1 learnt on the left, with its route; H2 asked for on the right; nothing answered yet.
        assertThat(only(ask, Action.AddHostRoute.class)).containsExactly(new Action.AddHostRoute(LEFT, H1));
        List<Action.Transmit> tx = only(ask, Action.Transmit.class);
        assertThat(tx).hasSize(1);
        assertThat(tx.getFirst().link()).isEqualTo(RIGHT);
        ArpPacket who = decode(tx.getFirst()).packet();
        assertThat(who.opcode()).isEqualTo(Opcode.REQUEST);
        assertThat(who.targetProtocol()).isEqualTo(ProtocolAddress.ip4(H2));
        assertThat(who.senderProtocol()).isEqualTo(ProtocolAddress.ip4(RIGHT_IP));
        // A second requester on the left before the answer: remembered too, nothing dropped.
        h.frameOn(LEFT, request(H1B_HW, H1B, H2));
        h.advance(300 * MS);
        List<Action> answer = h.frameOn(RIGHT, replyTo(H2_HW, H2, RIGHT_HW, RIGHT_IP));
        assertThat(only(answer, Action.AddHostRoute.class)).containsExactly(new Action.AddHostRoute(RIGHT, H2));
        assertThat(only(answer, Action.InstallNeighbor.class)).extracting(Action.InstallNeighbor::address).contains(H2);
        List<Sent> replies = sent(answer);
        assertThat(replies).hasSize(2);
        for (Sent s : replies) {
            assertThat(s.packet().opcode()).isEqualTo(Opcode.REPLY);
            assertThat(s.packet().senderProtocol()).isEqualTo(ProtocolAddress.ip4(H2));
            assertThat(s.packet().senderHardware()).isEqualTo(OUR_HW); // the left link's own address
        }
        assertThat(replies).extracting(s -> s.frame().destination()).containsExactlyInAnyOrder(H1_HW, H1B_HW);
        assertThat(only(answer, Action.Transmit.class)).allMatch(t -> t.link() == LEFT);
        assertThat(h.engine.count(Reason.BRIDGED)).isGreaterThanOrEqualTo(2);
    }

    @Test
    @DisplayName("warm: a known far host is answered at once, both ways; a host on the asker's own side is not")
    void warm() {
        Harness h = bridged();
        h.frameOn(LEFT, request(H1_HW, H1, H2));
        h.frameOn(RIGHT, replyTo(H2_HW, H2, RIGHT_HW, RIGHT_IP));
        List<Sent> again = sent(h.frameOn(LEFT, request(H1_HW, H1, H2)));
        assertThat(again).hasSize(1);
        assertThat(again.getFirst().packet().senderHardware()).isEqualTo(OUR_HW);
        List<Action> back = h.frameOn(RIGHT, request(H2_HW, H2, H1));
        List<Action.Transmit> tx = only(back, Action.Transmit.class);
        assertThat(tx).hasSize(1);
        assertThat(tx.getFirst().link()).isEqualTo(RIGHT);
        assertThat(decode(tx.getFirst()).packet().senderHardware()).isEqualTo(RIGHT_HW);
        // H1B asks on the left for H1, also on the left: H1 answers for itself.
        assertThat(transmitted(h.frameOn(LEFT, request(H1B_HW, H1B, H1)))).isEmpty();
        assertThat(h.engine.bridgedHosts()).isEqualTo(3);
    }

    @Test
    @DisplayName("a host that moves to the other side gets its route moved; one that goes away loses it")
    void movesAndExpiry() {
        Harness h = bridged();
        h.frameOn(LEFT, request(H1_HW, H1, RIGHT_IP));
        List<Action> moved = h.frameOn(RIGHT, request(H1_HW, H1, RIGHT_IP));
        // Seen on the right now: the route follows it.
        assertThat(only(moved, Action.RemoveHostRoute.class)).containsExactly(new Action.RemoveHostRoute(LEFT, H1));
        assertThat(only(moved, Action.AddHostRoute.class)).containsExactly(new Action.AddHostRoute(RIGHT, H1));
        // Both entries age out; only the route that exists (the right one) is removed.
        List<Action> later = h.advance(30 * 60 * S);
        assertThat(only(later, Action.RemoveHostRoute.class)).containsExactly(new Action.RemoveHostRoute(RIGHT, H1));
        assertThat(h.engine.bridgedHosts()).isZero();
    }

    @Test
    @DisplayName("a target that never resolves leaves nothing behind: its requesters are forgotten, nothing answered")
    void unresolved() {
        Harness h = bridged();
        h.frameOn(LEFT, request(H1_HW, H1, H2));
        List<Action> a = h.advance(60 * S);
        assertThat(only(a, Action.Transmit.class)).allMatch(t -> t.link() == RIGHT);
        // Later the far host appears: no stale requester is answered from the old wait.
        List<Action> late = h.frameOn(RIGHT, request(H2_HW, H2, RIGHT_IP));
        assertThat(only(late, Action.Transmit.class)).allMatch(t -> t.link() == RIGHT);
    }

    @Test
    @DisplayName("a wait started from one side does not stop the other side's request from resolving on the first side")
    void requestsFromBothSidesForOneTarget() {
        Harness h = bridged();
        // H1 asks on the left for H1B, which is on the left too: uarpd looks on the right, in vain so far.
        h.frameOn(LEFT, request(H1_HW, H1, H1B));
        h.advance(100 * MS);
        // H2 asks on the right for H1B: uarpd must now look on the left.
        List<Action> a = h.frameOn(RIGHT, request(H2_HW, H2, H1B));
        assertThat(only(a, Action.Transmit.class)).anyMatch(t -> t.link() == LEFT
                && decode(t).packet().targetProtocol().equals(ProtocolAddress.ip4(H1B)));
        List<Action> found = h.frameOn(LEFT, replyTo(H1B_HW, H1B, OUR_HW, OUR_IP));
        List<Action.Transmit> tx = only(found, Action.Transmit.class);
        assertThat(tx).hasSize(1); // H2 answered; H1 (same side as H1B) is not
        assertThat(tx.getFirst().link()).isEqualTo(RIGHT);
        assertThat(decode(tx.getFirst()).frame().destination()).isEqualTo(H2_HW);
    }

    @Test
    @DisplayName("r67 cold flood: 400 far hosts asked for at once, each by two requesters; none is dropped, every one is answered once it resolves")
    void coldFloodDropsNothing() {
        Harness h = bridged();
        // More than the link's request burst (256): some resolutions are deferred by the rate limit, none refused.
        java.util.Map<Integer, HardwareAddress> far = new java.util.LinkedHashMap<>();
        for (int i = 100; i < 500; i++) {
            int target = i < 250 ? ip("192.0.2.0") + i : ip("198.51.100.0") + (i - 249); // .1 .. .250 of the second
            far.put(target, HardwareAddress.ofLong48(0x0200_0009_0000L + i));
        }
        int n = far.size();
        for (int target : far.keySet()) {
            h.frameOn(LEFT, request(H1_HW, H1, target));
            h.frameOn(LEFT, request(H1B_HW, H1B, target));
        }
        // The far hosts answer every request uarpd sends on the right, as the requests come out.
        java.util.Map<Integer, java.util.Set<HardwareAddress>> answered = new java.util.HashMap<>();
        java.util.Set<Integer> asked = new java.util.HashSet<>();
        List<Action> pending = new java.util.ArrayList<>(h.actions);
        for (int round = 0; round < 20 && answered.size() < n; round++) {
            pending.addAll(h.advance(100 * MS));
            List<Action> now = new java.util.ArrayList<>(pending);
            pending.clear();
            for (Action.Transmit t : only(now, Action.Transmit.class)) {
                ArpPacket p = decode(t).packet();
                if (t.link() == RIGHT && p.opcode() == Opcode.REQUEST) {
                    int target = p.targetProtocol().toIp4();
                    if (far.containsKey(target) && asked.add(target)) {
                        pending.addAll(h.frameOn(RIGHT, replyTo(far.get(target), target, RIGHT_HW, RIGHT_IP)));
                    }
                } else if (t.link() == LEFT && p.opcode() == Opcode.REPLY) {
                    answered.computeIfAbsent(p.senderProtocol().toIp4(), k -> new java.util.HashSet<>())
                            .add(decode(t).frame().destination());
                }
            }
        }
        assertThat(asked).as("every far host was looked for on the right").hasSize(n);
        assertThat(answered).as("every far host answered for on the left").hasSize(n);
        assertThat(answered.values()).allSatisfy(to -> assertThat(to).containsExactlyInAnyOrder(H1_HW, H1B_HW));
        assertThat(h.engine.count(Reason.TOO_MANY_PENDING)).isZero();
    }
}
