package org.uarpd.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.link.Ethernet;
import org.uarpd.wire.nd.IcmpV6Type;
import org.uarpd.wire.nd.NdCodec;
import org.uarpd.wire.nd.NdOption;
import org.uarpd.wire.nd.NdPacket;

/**
 * {@link Harness} with IPv6 on its link: our address {@link #OUR6} (2001:db8:1::1/64, no DAD unless
 * the test's {@link NdLinkPolicy} asks), neighbour discovery frames built with the wire module's
 * codec, and the sent ones decoded back.
 */
final class NdHarness {
    static final Ip6Address OUR6 = ip6("2001:db8:1::1");
    static final Ip6Address PEER6 = ip6("2001:db8:1::2");
    static final HardwareAddress PEER_HW = HardwareAddress.parse("02:00:00:00:00:02");
    static final HardwareAddress OTHER_HW = HardwareAddress.parse("02:00:00:00:00:03");

    final Harness h;

    NdHarness(NdLinkPolicy policy) {
        this(EngineConfig.defaults(), policy);
    }

    NdHarness(EngineConfig config, NdLinkPolicy policy) {
        h = new Harness(config, NdConfig.defaults().withDefaultLink(policy));
        h.input(new Input.AddressAdded6(Harness.LINK, OUR6, 64));
        h.actions.clear();
    }

    /** A host link: no DAD (so our address is usable at once), unsolicited advertisements update existing entries only. */
    NdHarness() {
        this(NdLinkPolicy.defaults().withDad(false, 1, false));
    }

    static Ip6Address ip6(String text) {
        return Ip6Address.parse(text);
    }

    Engine engine() {
        return h.engine;
    }

    List<Action> input(Input in) {
        return h.input(in);
    }

    List<Action> advance(long nanos) {
        return h.advance(nanos);
    }

    List<Action> miss6(Ip6Address a) {
        return h.input(new Input.KernelMiss6(Harness.LINK, a, 0, null));
    }

    List<Action> receive(HardwareAddress linkDst, HardwareAddress linkSrc, NdPacket p) {
        return h.frame(frame(linkDst, linkSrc, p));
    }

    static byte[] frame(HardwareAddress linkDst, HardwareAddress linkSrc, NdPacket p) {
        return Ethernet.INSTANCE.encode(linkDst, linkSrc, EtherType.IPV6, NdCodec.encode(p));
    }

    NeighborState state(Ip6Address a) {
        Engine.Neighbor6 n = h.engine.lookup6(Harness.LINK, a);
        return n == null ? null : n.state();
    }

    HardwareAddress hardware(Ip6Address a) {
        Engine.Neighbor6 n = h.engine.lookup6(Harness.LINK, a);
        return n == null ? null : n.hardware();
    }

    // -- packets a peer sends ---------------------------------------------------------------------

    /** An address-resolution NS from {@code from} at {@code hw} for {@code target} (multicast, with SLLA). */
    static NdPacket ns(Ip6Address from, HardwareAddress hw, Ip6Address target) {
        return NdPacket.solicitation(from, hw, target);
    }

    static NdPacket na(Ip6Address target, Ip6Address to, boolean solicited, boolean override, HardwareAddress tll) {
        return NdPacket.advertisement(target, to, false, solicited, override, target,
                tll == null ? List.of() : List.of(NdOption.targetLinkLayer(tll)));
    }

    /** {@code target}'s holder answering us: solicited, override, to our address and MAC. */
    List<Action> answer(Ip6Address target, HardwareAddress hw) {
        return receive(Harness.OUR_HW, hw, na(target, OUR6, true, true, hw));
    }

    /** An unsolicited advertisement to all nodes (S=0). */
    List<Action> unsolicited(Ip6Address target, HardwareAddress hw, boolean override) {
        return receive(Ip6Address.ALL_NODES.multicastMac(), hw, na(target, Ip6Address.ALL_NODES, false, override, hw));
    }

    // -- what was sent ---------------------------------------------------------------------------

    record SentNd(Frame frame, NdPacket packet) {}

    static List<SentNd> sentNd(List<Action> actions) {
        List<SentNd> out = new ArrayList<>();
        for (Action a : actions) {
            if (!(a instanceof Action.Transmit t)) continue;
            ByteBuffer b = t.frame();
            byte[] bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
            try {
                Frame f = Ethernet.INSTANCE.decode(bytes, 0, bytes.length);
                if (f.protocol() != EtherType.IPV6) continue;
                NdPacket p = NdCodec.decode(f.buffer(), f.payloadOffset(), f.payloadLength())
                        .orElseThrow(() -> new AssertionError("engine sent IPv6 that is not NS/NA"));
                out.add(new SentNd(f, p));
            } catch (MalformedFrameException e) {
                throw new AssertionError("engine sent a malformed frame: " + e.getMessage(), e);
            }
        }
        return out;
    }

    static List<SentNd> solicitations(List<Action> actions) {
        return sentNd(actions).stream().filter(s -> s.packet().type().value() == IcmpV6Type.NEIGHBOR_SOLICITATION.value()).toList();
    }

    static List<SentNd> advertisements(List<Action> actions) {
        return sentNd(actions).stream().filter(s -> s.packet().type().value() == IcmpV6Type.NEIGHBOR_ADVERTISEMENT.value()).toList();
    }
}
