package org.uarpd.wire.nd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.MalformedFrameException;

/**
 * Neighbour solicitations and advertisements with random addresses, flags, hop limits and options
 * (link-layer addresses of 1 to 40 bytes, nonces of 6 to 30 bytes, unknown options) survive both
 * ways round the codec, the zero-copy view reads the same fields, and any single corrupted byte in
 * the ICMPv6 part or the addresses is caught (by the checksum if nothing else).
 */
class NdRoundTripPropertyTest {

    static Arbitrary<Ip6Address> addresses() {
        Arbitrary<Long> low = Arbitraries.longs();
        return Arbitraries.frequencyOf(
                Tuple.of(4, Combinators.combine(Arbitraries.longs().between(0, 0xFFFF_FFFFL), low)
                        .as((h, l) -> new Ip6Address(0x2001_0DB8_0000_0000L | h, l))),
                Tuple.of(2, low.map(l -> new Ip6Address(0xFE80_0000_0000_0000L, l))),
                Tuple.of(1, low.map(l -> new Ip6Address(0xFF02_0000_0000_0000L, l))),
                Tuple.of(1, Arbitraries.just(Ip6Address.UNSPECIFIED)));
    }

    static Arbitrary<byte[]> bytes(int min, int max) {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(min).ofMaxSize(max);
    }

    static Arbitrary<NdOption> options() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, bytes(1, 40).map(b -> NdOption.sourceLinkLayer(HardwareAddress.of(b)))),
                Tuple.of(3, bytes(1, 40).map(b -> NdOption.targetLinkLayer(HardwareAddress.of(b)))),
                Tuple.of(2, Arbitraries.of(6, 14, 22, 30).flatMap(n -> bytes(n, n)).map(NdOption::nonce)),
                Tuple.of(1, Combinators.combine(Arbitraries.integers().between(0, 255), Arbitraries.of(6, 14, 22))
                        .flatAs((t, n) -> bytes(n, n).map(b -> NdOption.of(t, b)))));
    }

    @Provide
    Arbitrary<NdPacket> packets() {
        Arbitrary<Integer> type = Arbitraries.of(IcmpV6Type.NEIGHBOR_SOLICITATION.value(), IcmpV6Type.NEIGHBOR_ADVERTISEMENT.value());
        Arbitrary<Integer> hop = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(255)), Tuple.of(1, Arbitraries.integers().between(0, 255)));
        Arbitrary<Integer> header = Combinators.combine(Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 0xFFFFF))
                .as((tc, fl) -> tc << 20 | fl);
        Arbitrary<Integer> code = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(0)), Tuple.of(1, Arbitraries.integers().between(0, 255)));
        // Source, destination and target.
        Arbitrary<List<Ip6Address>> addresses = addresses().list().ofSize(3);
        return Combinators.combine(header, hop, addresses, type, code, Arbitraries.integers(), options().list().ofMaxSize(5))
                .as((tcfl, h, a, t, c, flags, opts) -> new NdPacket(tcfl >>> 20, tcfl & 0xFFFFF, h, a.get(0), a.get(1),
                        IcmpV6Type.valueOf(t), c, flags, a.get(2), opts));
    }

    @Property(tries = 400)
    void valueSurvivesEncodeAndDecode(@ForAll("packets") NdPacket p) throws MalformedFrameException {
        byte[] wire = NdCodec.encode(p);
        assertThat(wire).hasSize(p.size());
        assertThat(NdCodec.decode(wire)).contains(p);
        byte[] again = new byte[wire.length + 9];
        assertThat(NdCodec.encode(p, again, 4)).isEqualTo(wire.length);
        assertThat(NdCodec.decode(again, 4, wire.length)).contains(p);
    }

    @Property(tries = 300)
    void viewReadsWhatTheValueHolds(@ForAll("packets") NdPacket p) throws MalformedFrameException {
        byte[] wire = NdCodec.encode(p);
        NdView v = new NdView();
        assertThat(v.reset(wire, 0, wire.length)).isTrue();
        assertThat(v.toPacket()).isEqualTo(p);
        assertThat(v.source()).isEqualTo(p.source());
        assertThat(v.destination()).isEqualTo(p.destination());
        assertThat(v.target()).isEqualTo(p.target());
        assertThat(v.hopLimit()).isEqualTo(p.hopLimit());
        assertThat(v.trafficClass()).isEqualTo(p.trafficClass());
        assertThat(v.flowLabel()).isEqualTo(p.flowLabel());
        assertThat(v.flags()).isEqualTo(p.flags());
        assertThat(v.optionCount()).isEqualTo(p.options().size());
        p.option(NdOptionType.SOURCE_LINK_LAYER).ifPresentOrElse(
                o -> assertThat(v.sourceLinkLayerLength()).isEqualTo(o.body().length),
                () -> assertThat(v.sourceLinkLayerOffset()).isEqualTo(-1));
        p.option(NdOptionType.NONCE).ifPresentOrElse(
                o -> assertThat(java.util.Arrays.copyOfRange(wire, v.nonceOffset(), v.nonceOffset() + v.nonceLength())).isEqualTo(o.body()),
                () -> assertThat(v.nonceOffset()).isEqualTo(-1));
        assertThat(NdValidation.check(v)).isEqualTo(NdValidation.check(p));
    }

    /** Building with the view's setters and appenders gives the codec's bytes. */
    @Property(tries = 200)
    void viewBuildsTheCodecsBytes(@ForAll("packets") NdPacket p) {
        byte[] buf = new byte[p.size() + 3];
        NdView v = new NdView().initialize(buf, 3, p.type().value());
        v.setSource(p.source().toBytes(), 0);
        v.setDestination(p.destination().toBytes(), 0);
        v.setTarget(p.target().toBytes(), 0);
        List<NdOption> appendable = new ArrayList<>();
        for (NdOption o : p.options()) {
            int t = o.type().value();
            byte[] body = o.body();
            if (t == NdOptionType.NONCE.value()) v.appendNonce(body, 0, body.length);
            else v.appendLinkLayerOption(t, body, 0, body.length); // the body, padding included, is the content
            appendable.add(o);
        }
        NdPacket expected = new NdPacket(0, 0, 255, p.source(), p.destination(), p.type(), 0, 0, p.target(), appendable);
        v.updateChecksum();
        assertThat(java.util.Arrays.copyOfRange(buf, 3, 3 + v.size())).isEqualTo(NdCodec.encode(expected));
    }

    @Property(tries = 300)
    void aFlippedByteIsNeverAcceptedUnnoticed(@ForAll("packets") NdPacket p, @ForAll int where, @ForAll byte flip) {
        byte[] wire = NdCodec.encode(p);
        // Addresses (8..39) and the ICMPv6 message: the checksum covers all of them.
        int at = 8 + Math.floorMod(where, wire.length - 8);
        byte x = (byte) (flip == 0 ? 1 : flip);
        wire[at] ^= x;
        try {
            var back = NdCodec.decode(wire);
            // Only a flip that keeps the one's-complement sum (0x00 <-> 0xff in a 16-bit word) or turns
            // the type into something else may pass; it must then not decode to the original.
            back.ifPresent(q -> assertThat(q).isNotEqualTo(p));
        } catch (MalformedFrameException expected) {
            assertThat(expected.offset()).isBetween(4, wire.length);
        }
    }
}
