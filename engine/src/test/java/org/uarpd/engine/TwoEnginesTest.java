package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.link.Ethernet;

/** Two engines on one wire: each one's frames are the other's input. */
class TwoEnginesTest {
    record Node(Engine engine, List<Action> actions) {}

    static final long NOW = 1_000;

    @Test
    @DisplayName("A resolves B through B's answer; B learnt A from the request; both install what they learnt")
    void resolveEachOther() {
        Node a = node(HardwareAddress.parse("02:00:00:00:00:0a"), "192.0.2.10");
        Node b = node(HardwareAddress.parse("02:00:00:00:00:0b"), "192.0.2.11");
        ArrayDeque<byte[]> toB = new ArrayDeque<>();
        ArrayDeque<byte[]> toA = new ArrayDeque<>();
        a.engine().handle(NOW, new Input.KernelMiss(1, Ip4.parse("192.0.2.11"), 0, null), x -> wire(x, a, toB));
        while (!toA.isEmpty() || !toB.isEmpty()) {
            if (!toB.isEmpty()) {
                byte[] f = toB.poll();
                b.engine().handle(NOW, new Input.FrameReceived(1, f, 0, f.length), x -> wire(x, b, toA));
            }
            if (!toA.isEmpty()) {
                byte[] f = toA.poll();
                a.engine().handle(NOW, new Input.FrameReceived(1, f, 0, f.length), x -> wire(x, a, toB));
            }
        }
        assertThat(a.actions()).contains(new Action.InstallNeighbor(1, Ip4.parse("192.0.2.11"),
                HardwareAddress.parse("02:00:00:00:00:0b"), NeighborState.REACHABLE));
        assertThat(b.actions()).contains(new Action.InstallNeighbor(1, Ip4.parse("192.0.2.10"),
                HardwareAddress.parse("02:00:00:00:00:0a"), NeighborState.STALE));
    }

    static Node node(HardwareAddress hw, String ip) {
        Engine e = new Engine(EngineConfig.defaults());
        List<Action> actions = new ArrayList<>();
        e.handle(0, new Input.LinkChanged(1, "eth0", Ethernet.INSTANCE, hw, true), actions::add);
        e.handle(0, new Input.AddressAdded(1, Ip4.parse(ip), 24), actions::add);
        return new Node(e, actions);
    }

    static void wire(Action x, Node from, ArrayDeque<byte[]> to) {
        from.actions().add(x);
        if (x instanceof Action.Transmit t) {
            ByteBuffer buf = t.frame();
            byte[] f = new byte[buf.remaining()];
            buf.duplicate().get(f);
            to.add(f);
        }
    }
}
