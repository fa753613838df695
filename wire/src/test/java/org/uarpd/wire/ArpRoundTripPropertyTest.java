package org.uarpd.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * RFC 826-layout packets of every kind — any hardware type but 19, known and unknown opcodes
 * (request, reply, RARP, InARP, NAK and the rest), hardware addresses of 1 (ARCnet) to 254 bytes,
 * 6 and 20 (IPoIB) weighted in, protocol addresses of 1 to 16 bytes — survive both ways round the
 * codec, and the zero-copy view reads and writes the same fields as the record.
 */
class ArpRoundTripPropertyTest {

    // ---- Generators ----

    static Arbitrary<Integer> hardwareTypes() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(1, 6, 7, 15, 32)),
                Tuple.of(2, Arbitraries.integers().between(0, 0xFFFF).filter(t -> t != 19)));
    }

    static Arbitrary<Integer> opcodes() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(1, 2, 3, 4, 8, 9, 10)),
                Tuple.of(1, Arbitraries.integers().between(0, 0xFFFF)));
    }

    static Arbitrary<Integer> hardwareLengths() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(1, 6, 20)),
                Tuple.of(3, Arbitraries.integers().between(1, 32)),
                Tuple.of(1, Arbitraries.integers().between(1, 254)));
    }

    static Arbitrary<Integer> protocolLengths() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(4)),
                Tuple.of(2, Arbitraries.integers().between(1, 16)));
    }

    static Arbitrary<byte[]> bytes(int n) {
        return Arbitraries.bytes().array(byte[].class).ofSize(n);
    }

    @Provide
    Arbitrary<ArpPacket> packets() {
        return Combinators.combine(hardwareTypes(), Arbitraries.integers().between(0, 0xFFFF), opcodes(),
                        hardwareLengths(), protocolLengths())
                .flatAs((hrd, pro, op, hln, pln) -> Combinators.combine(bytes(hln), bytes(pln), bytes(hln), bytes(pln))
                        .as((sha, spa, tha, tpa) -> new ArpPacket(HardwareType.valueOf(hrd), pro, Opcode.valueOf(op),
                                HardwareAddress.of(sha), ProtocolAddress.of(spa), HardwareAddress.of(tha), ProtocolAddress.of(tpa))));
    }

    /** Wire bytes built field by field, independently of the encoder under test. */
    @Provide
    Arbitrary<byte[]> wirePackets() {
        return Combinators.combine(hardwareTypes(), Arbitraries.integers().between(0, 0xFFFF), opcodes(),
                        hardwareLengths(), protocolLengths())
                .flatAs((hrd, pro, op, hln, pln) -> bytes(2 * hln + 2 * pln).map(addresses -> {
                    byte[] b = new byte[8 + addresses.length];
                    b[0] = (byte) (hrd >> 8);
                    b[1] = (byte) (int) hrd;
                    b[2] = (byte) (pro >> 8);
                    b[3] = (byte) (int) pro;
                    b[4] = (byte) (int) hln;
                    b[5] = (byte) (int) pln;
                    b[6] = (byte) (op >> 8);
                    b[7] = (byte) (int) op;
                    System.arraycopy(addresses, 0, b, 8, addresses.length);
                    return b;
                }));
    }

    @Provide
    Arbitrary<byte[]> padding() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(40);
    }

    // ---- Record path ----

    /** Every kind the engine builds, through the factories: ARP, RFC 5227 probe/announce, RARP, InARP, NAK. */
    @Provide
    Arbitrary<ArpPacket> factoryKinds() {
        return Combinators.combine(hardwareTypes(), hardwareLengths(), Arbitraries.integers(), Arbitraries.integers(),
                        Arbitraries.integers().between(0, 8))
                .flatAs((hrd, hln, ip1, ip2, kind) -> Combinators.combine(bytes(hln), bytes(hln)).as((a, b) -> {
                    HardwareType t = HardwareType.valueOf(hrd);
                    HardwareAddress ha = HardwareAddress.of(a);
                    HardwareAddress hb = HardwareAddress.of(b);
                    ArpPacket request = ArpPacket.request(t, ha, ip1, ip2);
                    return switch (kind) {
                        case 0 -> request;
                        case 1 -> request.replyTo(hb);
                        case 2 -> ArpPacket.probe(t, ha, ip2);
                        case 3 -> ArpPacket.announcement(t, ha, ip1);
                        case 4 -> ArpPacket.rarpRequest(t, ha, hb);
                        case 5 -> ArpPacket.rarpRequest(t, ha, hb).rarpReplyTo(hb, ProtocolAddress.ip4(ip1), ProtocolAddress.ip4(ip2));
                        case 6 -> ArpPacket.inarpRequest(t, ha, ip1, hb);
                        case 7 -> ArpPacket.inarpRequest(t, ha, ip1, hb).inarpReplyTo(ProtocolAddress.ip4(ip2));
                        default -> request.nak();
                    };
                }));
    }

    @Property
    void everyFactoryKindRoundTripsAndReadsTheSameThroughTheView(@ForAll("factoryKinds") ArpPacket p) throws Exception {
        byte[] wire = ArpCodec.encode(p);
        assertThat(ArpCodec.decodeExact(wire, 0, wire.length)).isEqualTo(p);
        ArpView v = ArpView.wrap(wire, 0, wire.length);
        assertThat(v.opcode()).isEqualTo(p.opcode().value());
        assertThat(v.senderProtocolIp4()).isEqualTo(p.senderProtocol().toIp4());
        assertThat(v.targetProtocolIp4()).isEqualTo(p.targetProtocol().toIp4());
        assertThat(v.senderHardwareEquals(p.senderHardware())).isTrue();
        assertThat(v.targetHardwareEquals(p.targetHardware())).isTrue();
        assertThat(p.describe()).isNotBlank().doesNotContain("op#");
    }


    @Property
    void decodeOfEncodeGivesThePacketBack(@ForAll("packets") ArpPacket p) throws Exception {
        byte[] wire = ArpCodec.encode(p);
        assertThat(wire).hasSize(p.size());
        assertThat(ArpCodec.decode(wire, 0, wire.length)).isEqualTo(p);
        assertThat(ArpCodec.decodeExact(wire, 0, wire.length)).isEqualTo(p);
        assertThat(ArpFamilyCodec.decode(wire)).isEqualTo(p);
        assertThat(ArpFamilyCodec.encode(p)).isEqualTo(wire);
    }

    @Property
    void encodeOfDecodeGivesTheBytesBack(@ForAll("wirePackets") byte[] wire) throws Exception {
        ArpPacket p = ArpCodec.decode(wire, 0, wire.length);
        assertThat(ArpCodec.encode(p)).isEqualTo(wire);
        assertThat(p.hardwareType().value()).isEqualTo(((wire[0] & 0xFF) << 8) | (wire[1] & 0xFF));
        assertThat(p.opcode().value()).isEqualTo(((wire[6] & 0xFF) << 8) | (wire[7] & 0xFF));
        assertThat(p.hardwareLength()).isEqualTo(wire[4] & 0xFF);
        assertThat(p.protocolLength()).isEqualTo(wire[5] & 0xFF);
    }

    /** Link padding after the packet is ignored by decode and reported by decodeExact. */
    @Property
    void paddingIsIgnoredUnlessExact(@ForAll("packets") ArpPacket p, @ForAll("padding") byte[] pad) throws Exception {
        byte[] wire = ArpCodec.encode(p);
        byte[] padded = Arrays.copyOf(wire, wire.length + pad.length);
        System.arraycopy(pad, 0, padded, wire.length, pad.length);
        assertThat(ArpCodec.decode(padded, 0, padded.length)).isEqualTo(p);
        if (pad.length > 0) {
            assertThatThrownBy(() -> ArpCodec.decodeExact(padded, 0, padded.length))
                    .isInstanceOf(MalformedFrameException.class)
                    .hasMessage("trailing bytes after the ARP packet: " + pad.length + " at offset " + wire.length);
        }
    }

    /** Unknown hardware types and opcodes are kept and printed, never rejected. */
    @Property
    void openEnumsKeepTheirValue(@ForAll("packets") ArpPacket p) throws Exception {
        ArpPacket back = ArpCodec.decode(ArpCodec.encode(p));
        assertThat(back.hardwareType().value()).isEqualTo(p.hardwareType().value());
        assertThat(back.opcode().value()).isEqualTo(p.opcode().value());
        if (!back.opcode().isKnown()) {
            assertThat(back.describe()).startsWith("op#" + p.opcode().value() + " ");
        }
        if (!back.hardwareType().isKnown()) {
            assertThat(back.hardwareType().toString()).isEqualTo("hw#" + p.hardwareType().value());
        }
    }

    // ---- View path ----

    @Property
    void viewAndRecordAgreeOnEveryField(@ForAll("packets") ArpPacket p, @ForAll("padding") byte[] pad) throws Exception {
        byte[] wire = Arrays.copyOf(ArpCodec.encode(p), p.size() + pad.length);
        ArpView v = new ArpView().reset(wire, 0, wire.length);
        assertThat(v.size()).isEqualTo(p.size());
        assertThat(v.hardwareType()).isEqualTo(p.hardwareType().value());
        assertThat(v.protocolType()).isEqualTo(p.protocolType());
        assertThat(v.opcode()).isEqualTo(p.opcode().value());
        assertThat(v.hardwareLength()).isEqualTo(p.hardwareLength());
        assertThat(v.protocolLength()).isEqualTo(p.protocolLength());
        assertThat(v.senderHardwareEquals(p.senderHardware())).isTrue();
        assertThat(v.targetHardwareEquals(p.targetHardware())).isTrue();
        assertThat(v.senderHardwareEquals(p.senderHardware().toByteArray(), 0)).isTrue();
        assertThat(v.targetHardwareEquals(p.targetHardware().toByteArray(), 0)).isTrue();
        assertThat(v.targetHardwareIsZero()).isEqualTo(p.targetHardware().isZero());
        assertThat(v.senderHardware()).isEqualTo(p.senderHardware());
        assertThat(v.targetHardware()).isEqualTo(p.targetHardware());
        assertThat(v.senderProtocol()).isEqualTo(p.senderProtocol());
        assertThat(v.targetProtocol()).isEqualTo(p.targetProtocol());
        byte[] copy = new byte[p.hardwareLength() + 2];
        v.copySenderHardware(copy, 1);
        assertThat(Arrays.copyOfRange(copy, 1, 1 + p.hardwareLength())).isEqualTo(p.senderHardware().toByteArray());
        v.copyTargetHardware(copy, 2);
        assertThat(Arrays.copyOfRange(copy, 2, 2 + p.hardwareLength())).isEqualTo(p.targetHardware().toByteArray());
        assertThat(v.isIp4()).isEqualTo(p.isIp4());
        if (p.protocolLength() == 4) {
            assertThat(v.senderProtocolIp4()).isEqualTo(p.senderProtocol().toIp4());
            assertThat(v.targetProtocolIp4()).isEqualTo(p.targetProtocol().toIp4());
        }
        if (p.hardwareLength() <= 8) {
            assertThat(v.senderHardwareAsLong()).isEqualTo(asLong(p.senderHardware()));
            assertThat(v.targetHardwareAsLong()).isEqualTo(asLong(p.targetHardware()));
        }
        assertThat(v.toPacket()).isEqualTo(p);
    }

    /** Building with initialize + setters writes exactly what the record encoder writes. */
    @Property
    void viewSettersBuildTheSameBytesAsTheEncoder(@ForAll("packets") ArpPacket p) {
        byte[] buf = new byte[p.size() + 3];
        Arrays.fill(buf, (byte) 0x5A); // initialize must not leave old bytes behind
        ArpView v = new ArpView().initialize(buf, 3, p.hardwareType().value(), p.protocolType(),
                p.hardwareLength(), p.protocolLength(), 0);
        v.setOpcode(p.opcode().value());
        v.setSenderHardware(p.senderHardware());
        v.setTargetHardware(p.targetHardware().toByteArray(), 0);
        v.setSenderProtocol(p.senderProtocol().toByteArray(), 0);
        v.setTargetProtocol(p.targetProtocol().toByteArray(), 0);
        assertThat(Arrays.copyOfRange(buf, 3, buf.length)).isEqualTo(ArpCodec.encode(p));
    }

    /** The in-place reply on the view equals the record's reply, field for field. */
    @Property
    void rewriteAsReplyMatchesReplyTo(@ForAll("packets") ArpPacket request) throws Exception {
        byte[] ours = new byte[request.hardwareLength()];
        for (int i = 0; i < ours.length; i++) ours[i] = (byte) (0x40 + i);
        byte[] wire = ArpCodec.encode(request);
        new ArpView().reset(wire, 0, wire.length).rewriteAsReply(ours, 0);
        assertThat(wire).isEqualTo(ArpCodec.encode(request.replyTo(HardwareAddress.of(ours))));
    }

    // ---- Robustness: any bytes at all give a packet or the one typed error ----

    @Property
    void arbitraryBytesNeverEscapeAsAnythingElse(@ForAll("noise") byte[] noise) {
        for (MalformedCorpusTest.Decoder d : new MalformedCorpusTest.Decoder[] {
                b -> ArpCodec.decode(b, 0, b.length),
                b -> ArpCodec.decodeExact(b, 0, b.length),
                b -> AtmArpCodec.decode(b, 0, b.length),
                b -> ArpFamilyCodec.decode(b, 0, b.length),
                b -> ArpFamilyCodec.decodeExact(b, 0, b.length),
                b -> new ArpView().reset(b, 0, b.length),
                b -> new ArpView().resetEthernet(b, 0, b.length)}) {
            try {
                d.decode(noise);
            } catch (MalformedFrameException expected) {
                assertThat(expected.offset()).isBetween(0, noise.length);
            }
        }
    }

    /** Mostly plausible headers (ARP over Ethernet, ATMARP) followed by random bytes. */
    @Provide
    Arbitrary<byte[]> noise() {
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(80);
        Arbitrary<byte[]> arpish = raw.map(b -> {
            if (b.length >= 2) { b[0] = 0; b[1] = (byte) (b.length % 3 == 0 ? 19 : 1); }
            return b;
        });
        return Arbitraries.oneOf(raw, arpish);
    }

    private static long asLong(HardwareAddress a) {
        long v = 0;
        for (byte b : a.toByteArray()) v = (v << 8) | (b & 0xFF);
        return v;
    }
}
