package org.uarpd.wire.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.uarpd.wire.ArpCodec;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.ProtocolAddress;

/** decode(encode(f)) gives back what each framing carries: addresses, protocol and payload. */
class FramingRoundTripPropertyTest {

    @Provide
    Arbitrary<byte[]> mac() {
        return Arbitraries.bytes().array(byte[].class).ofSize(6);
    }

    @Provide
    Arbitrary<byte[]> payload() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(600);
    }

    @Provide
    Arbitrary<Integer> etherType() {
        return Arbitraries.integers().between(0x0600, 0xFFFF);
    }

    private static Frame decode(LinkType link, byte[] frame) throws MalformedFrameException {
        return link.decode(frame, 0, frame.length);
    }

    @Property
    void ethernet(@ForAll("mac") byte[] dst, @ForAll("mac") byte[] src, @ForAll("etherType") int type,
                  @ForAll("payload") byte[] payload) throws MalformedFrameException {
        Frame f = decode(Ethernet.INSTANCE, Ethernet.INSTANCE.encode(HardwareAddress.of(dst), HardwareAddress.of(src), type, payload));
        assertThat(f.destination()).isEqualTo(HardwareAddress.of(dst));
        assertThat(f.source()).isEqualTo(HardwareAddress.of(src));
        if (type == Ethernet.TPID_8021Q) return; // a VLAN tag: the payload is read as the tag
        assertThat(f.protocol()).isEqualTo(type);
        // Ethernet II has no length field: short payloads come back with the zero padding after them.
        byte[] got = f.payload();
        assertThat(Arrays.copyOf(got, payload.length)).isEqualTo(payload);
        assertThat(Arrays.copyOfRange(got, payload.length, got.length)).isEqualTo(new byte[got.length - payload.length]);
        assertThat(got.length).isEqualTo(Math.max(payload.length, Ethernet.MIN_FRAME - Ethernet.HEADER));
    }

    @Property
    void ieee8023(@ForAll("mac") byte[] dst, @ForAll("mac") byte[] src, @ForAll @IntRange(max = 0xFFFF) int type,
                  @ForAll("payload") byte[] payload) throws MalformedFrameException {
        byte[] frame = Ieee8023.INSTANCE.encode(HardwareAddress.of(dst), HardwareAddress.of(src), type, payload);
        // pcap link type 1 carries both: Ethernet's decoder must give the same as 802.3's own.
        for (LinkType decoder : List.<LinkType>of(Ieee8023.INSTANCE, Ethernet.INSTANCE)) {
            Frame f = decode(decoder, frame);
            assertThat(f.destination()).isEqualTo(HardwareAddress.of(dst));
            assertThat(f.source()).isEqualTo(HardwareAddress.of(src));
            assertThat(f.protocol()).isEqualTo(type);
            assertThat(f.payload()).isEqualTo(payload);
        }
    }

    @Provide
    Arbitrary<TokenRing.RoutingInformation> rif() {
        Arbitrary<TokenRing.RouteDesignator> hop = Combinators.combine(
                Arbitraries.integers().between(0, 0xFFF), Arbitraries.integers().between(0, 15)).as(TokenRing.RouteDesignator::new);
        Arbitrary<TokenRing.RoutingInformation> some = Combinators.combine(
                Arbitraries.integers().between(0, 7), Arbitraries.of(true, false), Arbitraries.integers().between(0, 7),
                Arbitraries.integers().between(0, 15), hop.list().ofMaxSize(14)).as(TokenRing.RoutingInformation::new);
        return some.injectNull(0.3);
    }

    @Property
    void tokenRing(@ForAll("mac") byte[] dst, @ForAll("mac") byte[] src, @ForAll @IntRange(max = 0xFFFF) int type,
                   @ForAll("payload") byte[] payload, @ForAll("rif") TokenRing.RoutingInformation rif,
                   @ForAll @IntRange(max = 255) int ac, @ForAll @IntRange(max = 63) int fcLow) throws MalformedFrameException {
        src[0] &= 0x7F; // the high bit is the routing information indicator, not address
        TokenRing.Header header = new TokenRing.Header(ac, 0x40 | fcLow, rif);
        Frame f = decode(TokenRing.INSTANCE, TokenRing.INSTANCE.encode(HardwareAddress.of(dst), HardwareAddress.of(src), type, payload, header));
        assertThat(f.destination()).isEqualTo(HardwareAddress.of(dst));
        assertThat(f.source()).isEqualTo(HardwareAddress.of(src));
        assertThat(f.protocol()).isEqualTo(type);
        assertThat(f.payload()).isEqualTo(payload);
        assertThat(f.extras()).isEqualTo(header);
    }

    @Property
    void fddi(@ForAll("mac") byte[] dst, @ForAll("mac") byte[] src, @ForAll @IntRange(max = 0xFFFF) int type,
              @ForAll("payload") byte[] payload) throws MalformedFrameException {
        Frame f = decode(Fddi.INSTANCE, Fddi.INSTANCE.encode(HardwareAddress.of(dst), HardwareAddress.of(src), type, payload));
        assertThat(f.destination()).isEqualTo(HardwareAddress.of(dst));
        assertThat(f.source()).isEqualTo(HardwareAddress.of(src));
        assertThat(f.protocol()).isEqualTo(type);
        assertThat(f.payload()).isEqualTo(payload);
        assertThat(f.extras()).isEqualTo(new Fddi.Header(Fddi.DEFAULT_FRAME_CONTROL));
    }

    @Property
    void arcnet(@ForAll byte dst, @ForAll byte src, @ForAll("arcnetProtocol") int type, @ForAll @Size(max = 504) byte[] payload,
                @ForAll @IntRange(max = 0xFFFF) int sequence, @ForAll boolean linux) throws MalformedFrameException {
        Arcnet link = linux ? Arcnet.LINUX : Arcnet.BSD;
        Frame f = decode(link, link.encode(HardwareAddress.of(dst), HardwareAddress.of(src), type, payload, sequence));
        assertThat(f.destination()).isEqualTo(HardwareAddress.of(dst));
        assertThat(f.source()).isEqualTo(HardwareAddress.of(src));
        assertThat(f.protocol()).isEqualTo(type);
        assertThat(f.payload()).isEqualTo(payload);
        Arcnet.Header h = (Arcnet.Header) f.extras();
        assertThat(h.protocolId()).isEqualTo(Arcnet.protocolId(type));
        assertThat(h.splitFlag()).isZero();
        assertThat(h.sequence()).isEqualTo(sequence);
        assertThat(h.exception()).isFalse();
        assertThat(h.bufferOffset()).isEqualTo(linux ? Arcnet.hardwareOffset(4 + payload.length) : -1);
    }

    @Provide
    Arbitrary<Integer> arcnetProtocol() {
        return Arbitraries.of(EtherType.IPV4, EtherType.ARP, EtherType.RARP, 0x86DD);
    }

    @Property
    void atm(@ForAll @IntRange(max = 0xFFFF) int type, @ForAll("payload") byte[] payload) throws MalformedFrameException {
        Frame f = decode(AtmLlcSnap.INSTANCE, AtmLlcSnap.INSTANCE.encode(HardwareAddress.EMPTY, HardwareAddress.EMPTY, type, payload));
        // A virtual circuit has no addresses in the frame.
        assertThat(f.destination()).isEqualTo(HardwareAddress.EMPTY);
        assertThat(f.source()).isEqualTo(HardwareAddress.EMPTY);
        assertThat(f.protocol()).isEqualTo(type);
        assertThat(f.payload()).isEqualTo(payload);
    }

    @Property
    void ipoib(@ForAll boolean broadcast, @ForAll @Size(20) byte[] unicast, @ForAll("etherType") int type,
               @ForAll("payload") byte[] payload) throws MalformedFrameException {
        unicast[4] = 0x00; // not a multicast GID
        HardwareAddress dst = broadcast ? Ipoib.BROADCAST : HardwareAddress.of(unicast);
        Frame f = decode(Ipoib.INSTANCE, Ipoib.INSTANCE.encode(dst, ArpSamples.station(Ipoib.INSTANCE, 1), type, payload));
        // SLL keeps only "this was broadcast"; neither address fits its 8-byte field (see Ipoib).
        assertThat(f.destination()).isEqualTo(broadcast ? Ipoib.BROADCAST : HardwareAddress.EMPTY);
        assertThat(f.source()).isEqualTo(HardwareAddress.EMPTY);
        assertThat(f.protocol()).isEqualTo(type);
        assertThat(f.payload()).isEqualTo(payload);
        assertThat(((CookedHeader) f.extras()).packetType()).isEqualTo(broadcast ? CookedHeader.PACKET_BROADCAST : CookedHeader.PACKET_HOST);
    }

    @Property
    void linuxCooked(@ForAll("mac") byte[] dst, @ForAll("mac") byte[] src, @ForAll("etherType") int type,
                     @ForAll("payload") byte[] payload) throws MalformedFrameException {
        byte[] frame = LinuxCooked.INSTANCE.encode(HardwareAddress.of(dst), HardwareAddress.of(src), type, payload);
        Frame f = decode(LinkTypes.forCapture(113, frame).orElseThrow(), frame);
        // SLL keeps the sender and "broadcast", not the destination.
        boolean broadcast = HardwareAddress.of(dst).equals(Ethernet.BROADCAST);
        assertThat(f.destination()).isEqualTo(broadcast ? Ethernet.BROADCAST : HardwareAddress.EMPTY);
        assertThat(f.source()).isEqualTo(HardwareAddress.of(src));
        assertThat(f.protocol()).isEqualTo(type);
        assertThat(f.payload()).isEqualTo(payload);
        int expectedType = broadcast ? CookedHeader.PACKET_BROADCAST : (dst[0] & 1) != 0 ? CookedHeader.PACKET_MULTICAST : CookedHeader.PACKET_HOST;
        assertThat(((CookedHeader) f.extras()).packetType()).isEqualTo(expectedType);
    }

    @Provide
    Arbitrary<LinkType> rfc826Link() {
        return Arbitraries.of(ArpSamples.RFC826_LINKS);
    }

    @Property
    void arpPacketsSurviveEveryRfc826Framing(@ForAll("rfc826Link") LinkType link, @ForAll @IntRange(max = 0xFFFF) int op,
                                             @ForAll @Size(4) byte[] spa, @ForAll @Size(4) byte[] tpa,
                                             @ForAll @IntRange(min = 1, max = 200) int peer) throws MalformedFrameException {
        ArpPacket p = new ArpPacket(link.hardwareType(), EtherType.IPV4, Opcode.valueOf(op), ArpSamples.station(link, 1),
                ProtocolAddress.of(spa), ArpSamples.station(link, peer), ProtocolAddress.of(tpa));
        byte[] frame = link.encode(link.broadcast(), ArpSamples.station(link, 1), EtherType.ARP, ArpCodec.encode(p));
        Frame f = decode(link, frame);
        assertThat(f.protocol()).isEqualTo(EtherType.ARP);
        assertThat(ArpCodec.decode(f.buffer(), f.payloadOffset(), f.payloadLength())).isEqualTo(p);
    }

    @Property(tries = 3000)
    void anyBytesGiveAFrameOrMalformedNeverAnotherError(@ForAll("rfc826OrAtm") LinkType link,
                                                        @ForAll @Size(max = 80) byte[] junk) {
        try {
            Frame f = decode(link, junk);
            assertThat(f.payloadOffset() + f.payloadLength()).isLessThanOrEqualTo(junk.length);
            assertThat(f.payloadLength()).isNotNegative();
        } catch (MalformedFrameException expected) {
            assertThat(expected.offset()).isBetween(0, junk.length);
        }
    }

    @Provide
    Arbitrary<LinkType> rfc826OrAtm() {
        List<LinkType> all = new java.util.ArrayList<>(LinkTypes.all());
        all.add(LinuxCooked.INSTANCE);
        return Arbitraries.of(all);
    }
}
