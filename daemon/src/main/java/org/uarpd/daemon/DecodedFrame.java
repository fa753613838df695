package org.uarpd.daemon;

import org.uarpd.wire.ArpFamilyPacket;
import org.uarpd.wire.Frame;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.pcap.CaptureRecord;

/** What {@link CaptureDecoder} made of one captured frame. */
public sealed interface DecodedFrame {
    CaptureRecord record();

    /** An ARP-family packet (ARP, RARP, InARP, NAK, ATMARP) in a frame of a known link type. */
    record Arp(CaptureRecord record, LinkType link, Frame frame, ArpFamilyPacket packet) implements DecodedFrame {}

    /** A well-formed frame carrying another protocol. */
    record Other(CaptureRecord record, LinkType link, Frame frame) implements DecodedFrame {}

    /** A frame whose link header or ARP packet is broken; {@code link} is the framing it was read as. */
    record Malformed(CaptureRecord record, LinkType link, MalformedFrameException error) implements DecodedFrame {}

    /** A frame of a pcap link type uarpd has no framing for. */
    record UnsupportedLink(CaptureRecord record) implements DecodedFrame {}
}
