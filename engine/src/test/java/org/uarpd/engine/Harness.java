package org.uarpd.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.uarpd.wire.ArpCodec;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.HardwareType;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.ProtocolAddress;
import org.uarpd.wire.link.Ethernet;

/**
 * Drives an engine on a manual clock and records what it does, copying transmitted frames (the
 * engine reuses its buffers). Time moves only through {@link #advance}, which wakes the engine at
 * each {@link Engine#nextDeadline()} on the way, as a backend would.
 */
final class Harness {
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;
    static final int LINK = 1;
    static final HardwareAddress OUR_HW = HardwareAddress.parse("02:00:00:00:00:01");
    static final HardwareAddress BROADCAST = Ethernet.INSTANCE.broadcast();
    static final int OUR_IP = Ip4.parse("192.0.2.1");

    final Engine engine;
    long now = 5 * S; // any origin: the engine must not care
    final List<Action> actions = new ArrayList<>();

    Harness(EngineConfig config) {
        this(config, NdConfig.defaults());
    }

    Harness(EngineConfig config, NdConfig nd) {
        engine = new Engine(config, nd);
        linkUp(LINK, "eth0", OUR_HW);
        input(new Input.AddressAdded(LINK, OUR_IP, 24));
        actions.clear();
    }

    Harness() {
        this(EngineConfig.defaults());
    }

    static int ip(String dotted) {
        return Ip4.parse(dotted);
    }

    static HardwareAddress mac(String text) {
        return HardwareAddress.parse(text);
    }

    void linkUp(int link, String name, HardwareAddress hw) {
        input(new Input.LinkChanged(link, name, Ethernet.INSTANCE, hw, true));
    }

    /** Hands one input to the engine at the current time; returns the actions it produced. */
    List<Action> input(Input in) {
        List<Action> got = new ArrayList<>();
        engine.handle(now, in, a -> got.add(copy(a)));
        actions.addAll(got);
        return got;
    }

    /** Moves the clock forward by {@code nanos}, waking the engine at every deadline on the way. */
    List<Action> advance(long nanos) {
        long target = now + nanos;
        List<Action> got = new ArrayList<>();
        while (true) {
            long d = engine.nextDeadline();
            if (d > target) break;
            if (d > now) now = d;
            got.addAll(input(new Input.TimeAdvanced()));
        }
        now = target;
        got.addAll(input(new Input.TimeAdvanced()));
        return got;
    }

    /** A sent frame and the time it left. */
    record Timed(long time, Sent sent) {}

    /** Like {@link #advance}, but records when each frame was sent. */
    List<Timed> advanceTimed(long nanos) {
        long target = now + nanos;
        List<Timed> got = new ArrayList<>();
        while (true) {
            long d = engine.nextDeadline();
            if (d > target) break;
            if (d > now) now = d;
            for (Sent s : sent(input(new Input.TimeAdvanced()))) got.add(new Timed(now, s));
        }
        now = target;
        for (Sent s : sent(input(new Input.TimeAdvanced()))) got.add(new Timed(now, s));
        return got;
    }

    List<Action> frameOn(int link, byte[] f) {
        return input(new Input.FrameReceived(link, f, 0, f.length));
    }

    List<Action> miss(int address) {
        return input(new Input.KernelMiss(LINK, address, 0, null));
    }

    List<Action> command(OperatorCommand c) {
        return input(new Input.Command(c));
    }

    List<Action> frame(byte[] f) {
        return input(new Input.FrameReceived(LINK, f, 0, f.length));
    }

    // -- frames ----------------------------------------------------------------------------------

    static byte[] arpFrame(HardwareAddress dst, HardwareAddress src, int protocol, Opcode op, HardwareAddress sha,
                           int spa, HardwareAddress tha, int tpa) {
        ArpPacket p = new ArpPacket(HardwareType.ETHERNET, EtherType.IPV4, op, sha, ProtocolAddress.ip4(spa), tha,
                ProtocolAddress.ip4(tpa));
        return Ethernet.INSTANCE.encode(dst, src, protocol, ArpCodec.encode(p));
    }

    /** A broadcast who-has {@code target} from {@code hw}/{@code sender}. */
    static byte[] request(HardwareAddress hw, int sender, int target) {
        return arpFrame(BROADCAST, hw, EtherType.ARP, Opcode.REQUEST, hw, sender, HardwareAddress.ofLong48(0), target);
    }

    static byte[] unicastRequest(HardwareAddress hw, int sender, int target, HardwareAddress to) {
        return arpFrame(to, hw, EtherType.ARP, Opcode.REQUEST, hw, sender, HardwareAddress.ofLong48(0), target);
    }

    /** A reply from {@code hw}/{@code sender} addressed to us. */
    static byte[] reply(HardwareAddress hw, int sender) {
        return arpFrame(OUR_HW, hw, EtherType.ARP, Opcode.REPLY, hw, sender, OUR_HW, OUR_IP);
    }

    static byte[] gratuitous(HardwareAddress hw, int sender) {
        return arpFrame(BROADCAST, hw, EtherType.ARP, Opcode.REQUEST, hw, sender, HardwareAddress.ofLong48(0), sender);
    }

    // -- what happened ---------------------------------------------------------------------------

    static List<ArpPacket> transmitted(List<Action> actions) {
        List<ArpPacket> out = new ArrayList<>();
        for (Action a : actions) {
            if (a instanceof Action.Transmit t) out.add(decode(t).packet());
        }
        return out;
    }

    record Sent(Frame frame, ArpPacket packet) {}

    static Sent decode(Action.Transmit t) {
        ByteBuffer b = t.frame();
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        try {
            Frame f = Ethernet.INSTANCE.decode(bytes, 0, bytes.length);
            return new Sent(f, ArpCodec.decode(f.buffer(), f.payloadOffset(), f.payloadLength()));
        } catch (MalformedFrameException e) {
            throw new AssertionError("engine sent a malformed frame: " + e.getMessage(), e);
        }
    }

    static List<Sent> sent(List<Action> actions) {
        List<Sent> out = new ArrayList<>();
        for (Action a : actions) {
            if (a instanceof Action.Transmit t) out.add(decode(t));
        }
        return out;
    }

    static List<EngineEvent> events(List<Action> actions) {
        List<EngineEvent> out = new ArrayList<>();
        for (Action a : actions) {
            if (a instanceof Action.Emit e) out.add(e.event());
        }
        return out;
    }

    static <T extends Action> List<T> only(List<Action> actions, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Action a : actions) {
            if (type.isInstance(a)) out.add(type.cast(a));
        }
        return out;
    }

    NeighborState state(int address) {
        Engine.Neighbor n = engine.lookup(LINK, address);
        return n == null ? null : n.state();
    }

    HardwareAddress hardware(int address) {
        Engine.Neighbor n = engine.lookup(LINK, address);
        return n == null ? null : n.hardware();
    }

    private static Action copy(Action a) {
        if (a instanceof Action.Transmit t) {
            ByteBuffer b = t.frame();
            byte[] bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
            return new Action.Transmit(t.link(), ByteBuffer.wrap(bytes));
        }
        return a;
    }
}
