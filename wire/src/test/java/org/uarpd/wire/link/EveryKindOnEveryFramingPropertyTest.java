package org.uarpd.wire.link;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.uarpd.wire.ArpFamilyCodec;
import org.uarpd.wire.ArpFamilyPacket;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.AtmAddress;
import org.uarpd.wire.AtmArpPacket;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.ProtocolAddress;

/**
 * The product of the two round trips: every packet kind (request, reply, RARP request/reply, InARP
 * request/reply, NAK) inside every framing uarpd speaks, in the EtherType that kind travels in,
 * encoded then read back the way {@code uarpd decode} reads a capture (link type chosen from the pcap
 * link-layer type and the frame itself), gives the same packet.
 */
class EveryKindOnEveryFramingPropertyTest {

    @Provide
    Arbitrary<LinkType> link() {
        return Arbitraries.of(LinkTypes.all());
    }

    @Provide
    Arbitrary<Opcode> kind() {
        return Arbitraries.of(ArpSamples.OPCODES);
    }

    @Property(tries = 2000)
    void everyKindSurvivesEveryFraming(@ForAll("link") LinkType link, @ForAll("kind") Opcode kind,
                                       @ForAll @IntRange(min = 1, max = 200) int me, @ForAll @IntRange(min = 1, max = 200) int peer,
                                       @ForAll @Size(4) byte[] spa, @ForAll @Size(4) byte[] tpa) throws MalformedFrameException {
        ArpFamilyPacket packet = link == AtmLlcSnap.INSTANCE
                ? atmPacket(kind, me, peer, Ip4.read(spa, 0), Ip4.read(tpa, 0))
                : new ArpPacket(link.hardwareType(), EtherType.IPV4, kind, ArpSamples.station(link, me), ProtocolAddress.of(spa),
                        ArpSamples.station(link, peer), ProtocolAddress.of(tpa));
        if (packet == null) return; // ATMARP has no RARP (RFC 2225 §8.7 lists no opcodes 3/4)
        int etherType = ArpSamples.etherType(kind);
        HardwareAddress dst = link == AtmLlcSnap.INSTANCE ? HardwareAddress.EMPTY
                : kind.value() == 1 || kind.value() == 3 ? link.broadcast() : ArpSamples.station(link, peer);
        HardwareAddress src = link == AtmLlcSnap.INSTANCE ? HardwareAddress.EMPTY : ArpSamples.station(link, me);
        byte[] frame = link.encode(dst, src, etherType, ArpFamilyCodec.encode(packet));

        LinkType reader = LinkTypes.forCapture(link.pcapLinkType(), frame).orElseThrow();
        Frame f = reader.decode(frame, 0, frame.length);
        assertThat(f.protocol()).as("%s EtherType of a %s", link.name(), kind).isEqualTo(etherType);
        assertThat(EtherType.isArpFamily(f.protocol())).isTrue();
        assertThat(ArpFamilyCodec.decode(f.buffer(), f.payloadOffset(), f.payloadLength()))
                .as("%s %s", link.name(), kind).isEqualTo(packet);
    }

    /** The ATMARP packet of kind {@code op} between two NSAP stations; null for the RARP opcodes. */
    private static AtmArpPacket atmPacket(Opcode op, int me, int peer, int spa, int tpa) {
        AtmAddress mine = AtmAddress.nsap(nsap(me));
        AtmAddress theirs = AtmAddress.nsap(nsap(peer));
        AtmArpPacket request = AtmArpPacket.request(mine, AtmAddress.ABSENT, spa, tpa);
        AtmArpPacket inRequest = AtmArpPacket.inatmarpRequest(mine, AtmAddress.ABSENT, spa, theirs, AtmAddress.ABSENT);
        return switch (op.value()) {
            case 1 -> request;
            case 2 -> request.replyTo(theirs, AtmAddress.ABSENT);
            case 8 -> inRequest;
            case 9 -> inRequest.inatmarpReplyTo(ProtocolAddress.ip4(tpa));
            case 10 -> request.nak();
            default -> null;
        };
    }

    private static HardwareAddress nsap(int station) {
        byte[] b = HardwareAddress.parse("47:00:05:80:ff:e1:00:00:00:f2:1a:2b:3c:02:00:5e:40:00:00:00").toByteArray();
        b[18] = (byte) station;
        return HardwareAddress.of(b);
    }
}
