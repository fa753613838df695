package org.uarpd.daemon;

import java.util.Set;
import org.uarpd.wire.ArpFamilyPacket;
import org.uarpd.wire.Frame;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.nd.NdPacket;
import org.uarpd.wire.nd.NdViolation;
import org.uarpd.wire.pcap.CaptureRecord;

/** What {@link CaptureDecoder} made of one captured frame. */
public sealed interface DecodedFrame {
    CaptureRecord record();

    /** An ARP-family packet (ARP, RARP, InARP, NAK, ATMARP) in a frame of a known link type. */
    record Arp(CaptureRecord record, LinkType link, Frame frame, ArpFamilyPacket packet) implements DecodedFrame {}

    /**
     * An IPv6 neighbour solicitation or advertisement with a good checksum; {@code violations} lists
     * the RFC 4861 §7.1 receive rules it breaks (a receiver would drop it when not empty).
     */
    record Nd(CaptureRecord record, LinkType link, Frame frame, NdPacket packet, Set<NdViolation> violations) implements DecodedFrame {}

    /** A well-formed frame carrying another protocol (IPv6 other than NS/NA included). */
    record Other(CaptureRecord record, LinkType link, Frame frame) implements DecodedFrame {}

    /** A frame whose link header, ARP packet or IPv6 ND packet is broken; {@code link} is the framing it was read as. */
    record Malformed(CaptureRecord record, LinkType link, MalformedFrameException error) implements DecodedFrame {}

    /** A frame of a pcap link type uarpd has no framing for. */
    record UnsupportedLink(CaptureRecord record) implements DecodedFrame {}
}
