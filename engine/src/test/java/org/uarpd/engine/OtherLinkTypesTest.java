package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.uarpd.wire.ArpCodec;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.HardwareType;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.ProtocolAddress;

/**
 * The engine is not Ethernet-bound: a made-up framing with 2-byte hardware addresses, whose header
 * also carries a checksum over the destination (so a template cannot just be patched), is served
 * through its {@link LinkType} alone.
 */
class OtherLinkTypesTest {
    /** [dst 2][src 2][protocol 2][xor of dst 1] payload. */
    static class Tiny implements LinkType {
        @Override public String name() { return "tiny"; }
        @Override public HardwareType hardwareType() { return HardwareType.valueOf(0x7777); }
        @Override public int addressLength() { return 2; }
        @Override public HardwareAddress broadcast() { return HardwareAddress.of((byte) 0xff, (byte) 0xff); }
        @Override public int pcapLinkType() { return 147; }

        @Override
        public byte[] encode(HardwareAddress destination, HardwareAddress source, int protocol, byte[] payload) {
            byte[] f = new byte[7 + payload.length];
            destination.copyTo(f, 0);
            source.copyTo(f, 2);
            f[4] = (byte) (protocol >>> 8);
            f[5] = (byte) protocol;
            f[6] = (byte) (destination.get(0) ^ destination.get(1));
            System.arraycopy(payload, 0, f, 7, payload.length);
            return f;
        }

        @Override
        public Frame decode(byte[] buf, int offset, int length) throws MalformedFrameException {
            if (length < 7) throw new MalformedFrameException("tiny header truncated", offset);
            if ((byte) (buf[offset] ^ buf[offset + 1]) != buf[offset + 6]) throw new MalformedFrameException("bad check byte", offset + 6);
            int proto = ((buf[offset + 4] & 0xFF) << 8) | (buf[offset + 5] & 0xFF);
            return new Frame(HardwareAddress.of(buf, offset, 2), HardwareAddress.of(buf, offset + 2, 2), proto, buf,
                    offset + 7, length - 7, null);
        }
    }

    static final Tiny TINY = new Tiny();
    static final HardwareAddress US = HardwareAddress.of((byte) 0, (byte) 1);

    @Test
    @DisplayName("requests over a 2-byte-address link are answered, each frame framed correctly for its requester")
    void answersOverOtherFraming() throws Exception {
        Engine engine = new Engine(EngineConfig.defaults());
        List<Action> out = new ArrayList<>();
        ActionSink sink = a -> {
            if (a instanceof Action.Transmit t) {
                ByteBuffer b = t.frame();
                byte[] copy = new byte[b.remaining()];
                b.duplicate().get(copy);
                out.add(new Action.Transmit(t.link(), ByteBuffer.wrap(copy)));
            }
        };
        engine.handle(0, new Input.LinkChanged(3, "tiny0", TINY, US, true), sink);
        engine.handle(0, new Input.AddressAdded(3, Ip4.parse("192.0.2.1"), 24), sink);
        for (int i = 2; i < 8; i++) {
            HardwareAddress asker = HardwareAddress.of((byte) 0x10, (byte) i);
            ArpPacket req = new ArpPacket(TINY.hardwareType(), EtherType.IPV4, Opcode.REQUEST, asker,
                    ProtocolAddress.ip4("192.0.2." + i), HardwareAddress.of((byte) 0, (byte) 0), ProtocolAddress.ip4("192.0.2.1"));
            byte[] f = TINY.encode(TINY.broadcast(), asker, EtherType.ARP, ArpCodec.encode(req));
            engine.handle(i, new Input.FrameReceived(3, f, 0, f.length), sink);
            Action.Transmit t = (Action.Transmit) out.get(out.size() - 1);
            byte[] bytes = t.frame().array();
            Frame frame = TINY.decode(bytes, 0, bytes.length); // the check byte must be right
            assertThat(frame.destination()).isEqualTo(asker);
            ArpPacket reply = ArpCodec.decode(frame.buffer(), frame.payloadOffset(), frame.payloadLength());
            assertThat(reply.opcode()).isEqualTo(Opcode.REPLY);
            assertThat(reply.senderHardware()).isEqualTo(US);
            assertThat(reply.targetHardware()).isEqualTo(asker);
            assertThat(reply.hardwareType()).isEqualTo(TINY.hardwareType());
        }
        assertThat(out).hasSize(6);
        // and a miss is asked for by broadcast in the link's own framing
        engine.handle(10, new Input.KernelMiss(3, Ip4.parse("192.0.2.50"), 0, null), sink);
        byte[] req = ((Action.Transmit) out.get(out.size() - 1)).frame().array();
        assertThat(TINY.decode(req, 0, req.length).destination()).isEqualTo(TINY.broadcast());
    }

    @Test
    @DisplayName("on an ATM link (hardware type 19, RFC 2225 layout) the engine neither asks nor throws")
    void atmLinkIsLeftAlone() {
        LinkType atm = new Tiny() {
            @Override public HardwareType hardwareType() { return HardwareType.ATM; }
        };
        Engine engine = new Engine(EngineConfig.defaults().withDefaultLink(LinkPolicy.authoritative().withAnnounce(true)));
        List<Action> out = new ArrayList<>();
        engine.handle(0, new Input.LinkChanged(4, "atm0", atm, US, true), out::add);
        engine.handle(0, new Input.AddressAdded(4, Ip4.parse("192.0.2.1"), 24), out::add);
        engine.handle(0, new Input.KernelMiss(4, Ip4.parse("192.0.2.2"), 0, null), out::add);
        engine.handle(0, new Input.Command(new OperatorCommand.Probe(4, Ip4.parse("192.0.2.3"))), out::add);
        assertThat(out).noneMatch(a -> a instanceof Action.Transmit);
        assertThat(engine.count(org.uarpd.engine.EngineEvent.Reason.WRONG_HARDWARE)).isEqualTo(2);
        assertThat(engine.size()).isZero();
    }
}
