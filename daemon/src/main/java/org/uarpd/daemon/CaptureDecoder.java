package org.uarpd.daemon;

import java.util.Optional;
import org.uarpd.wire.ArpFamilyCodec;
import org.uarpd.wire.ArpFamilyPacket;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.Frame;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.link.LinkTypes;
import org.uarpd.wire.nd.NdCodec;
import org.uarpd.wire.nd.NdPacket;
import org.uarpd.wire.nd.NdValidation;
import org.uarpd.wire.pcap.CaptureRecord;

/**
 * Reads a captured frame with the framing of its pcap link type and, for ARP and RARP, the packet
 * inside; for IPv6, the neighbour solicitation or advertisement inside, if it is one.
 */
public final class CaptureDecoder {
    private CaptureDecoder() {}

    public static DecodedFrame decode(CaptureRecord record) {
        Optional<LinkType> found = LinkTypes.forCapture(record.pcapLinkType(), record.data());
        if (found.isEmpty()) return new DecodedFrame.UnsupportedLink(record);
        LinkType link = found.get();
        byte[] data = record.data();
        try {
            Frame frame = link.decode(data, 0, data.length);
            if (frame.protocol() == EtherType.IPV6) {
                Optional<NdPacket> nd = NdCodec.decode(frame.buffer(), frame.payloadOffset(), frame.payloadLength());
                if (nd.isEmpty()) return new DecodedFrame.Other(record, link, frame);
                return new DecodedFrame.Nd(record, link, frame, nd.get(), NdValidation.check(nd.get()));
            }
            if (!EtherType.isArpFamily(frame.protocol())) return new DecodedFrame.Other(record, link, frame);
            ArpFamilyPacket packet = ArpFamilyCodec.decode(frame.buffer(), frame.payloadOffset(), frame.payloadLength());
            return new DecodedFrame.Arp(record, link, frame, packet);
        } catch (MalformedFrameException e) {
            return new DecodedFrame.Malformed(record, link, e);
        }
    }
}
