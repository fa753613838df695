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
 * ATMARP packets (RFC 2225 §8.7) with every combination of ATM number format (E.164 / NSAP) and
 * length (0..20), subaddresses present or absent, protocol addresses of 0..16 bytes each (0 being
 * RFC 2225's null address), known and unknown opcodes, survive both ways round the codec and are
 * dispatched to the ATMARP layout by {@link ArpFamilyCodec}.
 */
class AtmArpRoundTripPropertyTest {

    static Arbitrary<byte[]> bytes(int n) {
        return Arbitraries.bytes().array(byte[].class).ofSize(n);
    }

    static Arbitrary<Integer> atmLengths() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of(0, 20)),
                Tuple.of(3, Arbitraries.integers().between(0, AtmAddress.MAX_LENGTH)));
    }

    static Arbitrary<AtmAddress> numbers() {
        return Combinators.combine(Arbitraries.of(AtmAddress.Format.class), atmLengths())
                .flatAs((format, n) -> bytes(n).map(b -> new AtmAddress(format, HardwareAddress.of(b))));
    }

    static Arbitrary<AtmAddress> subaddressesFor(AtmAddress number) {
        if (!number.isPresent()) return Arbitraries.just(AtmAddress.ABSENT);
        return atmLengths().flatMap(n -> bytes(n).map(AtmAddress::nsap));
    }

    static Arbitrary<ProtocolAddress> protocolAddresses() {
        return Arbitraries.frequencyOf(
                        Tuple.of(2, Arbitraries.of(0, 4)),
                        Tuple.of(1, Arbitraries.integers().between(0, 16)))
                .flatMap(n -> bytes(n).map(ProtocolAddress::of));
    }

    static Arbitrary<Tuple.Tuple2<AtmAddress, AtmAddress>> atmAddresses() {
        return numbers().flatMap(n -> subaddressesFor(n).map(s -> Tuple.of(n, s)));
    }

    @Provide
    Arbitrary<AtmArpPacket> packets() {
        return Combinators.combine(Arbitraries.integers().between(0, 0xFFFF), ArpRoundTripPropertyTest.opcodes(),
                        atmAddresses(), protocolAddresses(), atmAddresses(), protocolAddresses())
                .as((pro, op, sender, spa, target, tpa) -> new AtmArpPacket(pro, Opcode.valueOf(op),
                        sender.get1(), sender.get2(), spa, target.get1(), target.get2(), tpa));
    }

    /** Wire bytes assembled octet by octet: type-and-length values straight from the RFC's bit layout. */
    @Provide
    Arbitrary<byte[]> wirePackets() {
        Arbitrary<int[]> typeLengths = Combinators.combine(
                Arbitraries.of(0, 0x40), atmLengths(), atmLengths(), Arbitraries.of(0, 0x40), atmLengths(), atmLengths(),
                Arbitraries.integers().between(0, 16), Arbitraries.integers().between(0, 16))
                .as((sType, shl, ssl, tType, thl, tsl, spl, tpl) -> new int[] {
                        sType | shl, shl == 0 ? 0 : ssl, spl, tType | thl, thl == 0 ? 0 : tsl, tpl});
        return Combinators.combine(typeLengths, Arbitraries.integers().between(0, 0xFFFF), ArpRoundTripPropertyTest.opcodes())
                .flatAs((tl, pro, op) -> {
                    int body = (tl[0] & 0x3F) + tl[1] + tl[2] + (tl[3] & 0x3F) + tl[4] + tl[5];
                    return bytes(body).map(addresses -> {
                        byte[] b = new byte[12 + body];
                        b[0] = 0;
                        b[1] = 19;
                        b[2] = (byte) (pro >> 8);
                        b[3] = (byte) (int) pro;
                        b[4] = (byte) tl[0];
                        b[5] = (byte) tl[1];
                        b[6] = (byte) (op >> 8);
                        b[7] = (byte) (int) op;
                        b[8] = (byte) tl[2];
                        b[9] = (byte) tl[3];
                        b[10] = (byte) tl[4];
                        b[11] = (byte) tl[5];
                        System.arraycopy(addresses, 0, b, 12, body);
                        return b;
                    });
                });
    }

    /** The kinds an ATMARP client and server exchange, built with the factories. */
    @Provide
    Arbitrary<AtmArpPacket> factoryKinds() {
        return Combinators.combine(atmAddresses(), atmAddresses(), Arbitraries.integers(), Arbitraries.integers(),
                        Arbitraries.integers().between(0, 4))
                .as((me, them, ip1, ip2, kind) -> {
                    AtmArpPacket request = AtmArpPacket.request(me.get1(), me.get2(), ip1, ip2);
                    AtmArpPacket inRequest = AtmArpPacket.inatmarpRequest(me.get1(), me.get2(), ip1, them.get1(), them.get2());
                    return switch (kind) {
                        case 0 -> request;
                        case 1 -> request.replyTo(them.get1(), them.get2());
                        case 2 -> request.nak();
                        case 3 -> inRequest;
                        default -> inRequest.inatmarpReplyTo(ProtocolAddress.ip4(ip2));
                    };
                });
    }

    @Property
    void everyFactoryKindRoundTrips(@ForAll("factoryKinds") AtmArpPacket p) throws Exception {
        byte[] wire = AtmArpCodec.encode(p);
        assertThat(ArpFamilyCodec.decodeExact(wire, 0, wire.length)).isEqualTo(p);
        assertThat(p.describe()).isNotBlank().doesNotContain("op#");
        if (p.opcode().equals(Opcode.INARP_REQUEST)) {
            assertThat(wire[11]).as("InATMARP request: null target protocol address").isZero();
        }
    }

    @Property
    void decodeOfEncodeGivesThePacketBack(@ForAll("packets") AtmArpPacket p) throws Exception {
        byte[] wire = AtmArpCodec.encode(p);
        assertThat(wire).hasSize(p.size());
        assertThat(AtmArpCodec.decode(wire, 0, wire.length)).isEqualTo(p);
        assertThat(AtmArpCodec.decodeExact(wire, 0, wire.length)).isEqualTo(p);
        assertThat(ArpFamilyCodec.decode(wire, 0, wire.length)).isEqualTo(p);
        assertThat(ArpFamilyCodec.encode(p)).isEqualTo(wire);
    }

    @Property
    void encodeOfDecodeGivesTheBytesBack(@ForAll("wirePackets") byte[] wire) throws Exception {
        AtmArpPacket p = AtmArpCodec.decode(wire, 0, wire.length);
        assertThat(AtmArpCodec.encode(p)).isEqualTo(wire);
        // The fields land where the RFC's octets say.
        assertThat(p.senderAtmNumber().typeAndLength()).isEqualTo(wire[4] & 0xFF);
        assertThat(p.senderAtmSubaddress().typeAndLength()).isEqualTo(wire[5] & 0xFF);
        assertThat(p.senderProtocol().length()).isEqualTo(wire[8] & 0xFF);
        assertThat(p.targetAtmNumber().typeAndLength()).isEqualTo(wire[9] & 0xFF);
        assertThat(p.targetAtmSubaddress().typeAndLength()).isEqualTo(wire[10] & 0xFF);
        assertThat(p.targetProtocol().length()).isEqualTo(wire[11] & 0xFF);
        assertThat(p.senderAtmNumber().format() == AtmAddress.Format.E164).isEqualTo((wire[4] & 0x40) != 0);
        int spaAt = 12 + (wire[4] & 0x3F) + (wire[5] & 0x3F);
        assertThat(p.senderProtocol().toByteArray()).isEqualTo(Arrays.copyOfRange(wire, spaAt, spaAt + (wire[8] & 0xFF)));
    }

    @Provide
    Arbitrary<byte[]> padding() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(30);
    }

    @Property
    void paddingIsIgnoredUnlessExact(@ForAll("packets") AtmArpPacket p,
                                     @ForAll("padding") byte[] pad) throws Exception {
        byte[] wire = AtmArpCodec.encode(p);
        byte[] padded = Arrays.copyOf(wire, wire.length + pad.length);
        System.arraycopy(pad, 0, padded, wire.length, pad.length);
        assertThat(ArpFamilyCodec.decode(padded, 0, padded.length)).isEqualTo(p);
        assertThatThrownBy(() -> ArpFamilyCodec.decodeExact(padded, 0, padded.length))
                .isInstanceOf(MalformedFrameException.class)
                .hasMessage("trailing bytes after the ATMARP packet: " + pad.length + " at offset " + wire.length);
    }

    /** The uniform accessors of ArpFamilyPacket read the ATM numbers as the hardware addresses. */
    @Property
    void familyAccessorsAreTheAtmNumbers(@ForAll("packets") AtmArpPacket p) throws Exception {
        ArpFamilyPacket f = ArpFamilyCodec.decode(AtmArpCodec.encode(p));
        assertThat(f.hardwareType()).isEqualTo(HardwareType.ATM);
        assertThat(f.senderHardware()).isEqualTo(p.senderAtmNumber().value());
        assertThat(f.targetHardware()).isEqualTo(p.targetAtmNumber().value());
        assertThat(f.senderProtocol()).isEqualTo(p.senderProtocol());
        assertThat(f.targetProtocol()).isEqualTo(p.targetProtocol());
        assertThat(f.describe()).isNotBlank().doesNotContain("\n");
    }
}
