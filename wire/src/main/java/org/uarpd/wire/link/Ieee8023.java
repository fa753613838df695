package org.uarpd.wire.link;

import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.HardwareType;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.MalformedFrameException;

/**
 * IEEE 802.3 with LLC/SNAP, as RFC 1042 carries IP and ARP: destination, source, a length field
 * (the bytes of LLC header plus data, without padding), the LLC/SNAP header and the payload.
 *
 * <p>ARP on IEEE 802 networks uses hardware type 6 ("IEEE 802 Networks", RFC 1042 "Address
 * Resolution") with 6-byte addresses. Captures of such a network use pcap link type 1, shared with
 * Ethernet II; {@link Ethernet#decode} delegates here when it sees a length field.
 */
public final class Ieee8023 implements LinkType {
    public static final Ieee8023 INSTANCE = new Ieee8023();
    /** Destination, source, length. */
    /** The MAC header is laid out as Ethernet II's; its last field holds a length, not a type. */
    public static final int MAC_HEADER = EthernetHeader.HEADER;
    public static final int HEADER = MAC_HEADER + LlcSnap.SIZE;

    private Ieee8023() {}

    @Override public String name() { return "ieee802.3"; }
    @Override public HardwareType hardwareType() { return HardwareType.IEEE802; }
    @Override public int addressLength() { return 6; }
    @Override public HardwareAddress broadcast() { return Ethernet.BROADCAST; }
    @Override public int pcapLinkType() { return 1; }

    @Override
    public byte[] encode(HardwareAddress destination, HardwareAddress source, int protocol, byte[] payload) {
        Bytes.requireLength("destination", destination, 6, name());
        Bytes.requireLength("source", source, 6, name());
        int llcLength = LlcSnap.SIZE + payload.length;
        if (llcLength > Ethernet.MAX_LENGTH_FIELD) {
            throw new IllegalArgumentException("802.3 payload of " + payload.length + " bytes exceeds the 1500-byte length field");
        }
        byte[] out = new byte[Math.max(Ethernet.MIN_FRAME, HEADER + payload.length)];
        destination.copyTo(out, EthernetHeader.DESTINATION);
        source.copyTo(out, EthernetHeader.SOURCE);
        Bytes.putU16(out, EthernetHeader.TYPE, llcLength);
        LlcSnap.write(out, MAC_HEADER, protocol);
        System.arraycopy(payload, 0, out, HEADER, payload.length);
        return out;
    }

    @Override
    public Frame decode(byte[] buf, int offset, int length) throws MalformedFrameException {
        Bytes.checkWindow(buf, offset, length);
        Bytes.needHeader("802.3 header", MAC_HEADER, offset, length);
        int llcLength = Bytes.u16(buf, offset + EthernetHeader.TYPE);
        if (llcLength > Ethernet.MAX_LENGTH_FIELD) {
            throw new MalformedFrameException("802.3 length field " + llcLength + " exceeds 1500", offset + EthernetHeader.TYPE);
        }
        if (llcLength > length - MAC_HEADER) {
            throw new MalformedFrameException("802.3 length field " + llcLength + " overruns the " + (length - MAC_HEADER)
                    + " bytes after the MAC header", offset + EthernetHeader.TYPE);
        }
        int llcAt = offset + MAC_HEADER;
        int protocol = LlcSnap.read(buf, llcAt, llcLength);
        int payloadAt = LlcSnap.payloadOffset(protocol, llcAt);
        // Bytes past the length field's end are Ethernet padding, not payload.
        return new Frame(HardwareAddress.of(buf, offset, 6), HardwareAddress.of(buf, offset + 6, 6), protocol,
                buf, payloadAt, llcAt + llcLength - payloadAt, null);
    }
}
