package org.uarpd.wire.link;

import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.HardwareType;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.MalformedFrameException;

/**
 * Ethernet II (DIX): destination, source, EtherType, payload. Pads to the 60-byte minimum on encode.
 *
 * <p>One wire carries both Ethernet II and IEEE 802.3 frames, told apart by the type/length field
 * (IEEE 802.3 clause 3.2.6: values up to 1500 are lengths, from 0x0600 on EtherTypes), and pcap has
 * one link type (1) for both. So {@link #decode} hands length-field frames to {@link Ieee8023} and
 * accepts one IEEE 802.1Q tag, which it reports as a {@link VlanTag} in {@link Frame#extras()}.
 */
public final class Ethernet implements LinkType {
    public static final Ethernet INSTANCE = new Ethernet();
    public static final int HEADER = EthernetHeader.HEADER;
    public static final int MIN_FRAME = EthernetHeader.MIN_FRAME;
    /** Largest value of the type/length field that is a length (IEEE 802.3 clause 3.2.6). */
    public static final int MAX_LENGTH_FIELD = 1500;
    public static final int MIN_ETHERTYPE = 0x0600;
    public static final int TPID_8021Q = 0x8100;
    static final HardwareAddress BROADCAST = HardwareAddress.parse("ff:ff:ff:ff:ff:ff");

    /** An IEEE 802.1Q tag found between the source address and the EtherType. */
    public record VlanTag(int priority, boolean dropEligible, int vlanId) {}

    private Ethernet() {}

    @Override public String name() { return "ethernet"; }
    @Override public HardwareType hardwareType() { return HardwareType.ETHERNET; }
    @Override public int addressLength() { return 6; }
    @Override public HardwareAddress broadcast() { return BROADCAST; }
    @Override public int pcapLinkType() { return 1; }

    @Override
    public byte[] encode(HardwareAddress destination, HardwareAddress source, int protocol, byte[] payload) {
        Bytes.requireLength("destination", destination, 6, name());
        Bytes.requireLength("source", source, 6, name());
        if (protocol < MIN_ETHERTYPE || protocol > 0xFFFF) {
            throw new IllegalArgumentException(String.format("0x%04x is not an EtherType (must be 0x0600..0xffff)", protocol));
        }
        byte[] out = new byte[Math.max(MIN_FRAME, HEADER + payload.length)];
        destination.copyTo(out, EthernetHeader.DESTINATION);
        source.copyTo(out, EthernetHeader.SOURCE);
        Bytes.putU16(out, EthernetHeader.TYPE, protocol);
        System.arraycopy(payload, 0, out, HEADER, payload.length);
        return out;
    }

    @Override
    public Frame decode(byte[] buf, int offset, int length) throws MalformedFrameException {
        Bytes.checkWindow(buf, offset, length);
        Bytes.needHeader("Ethernet header", HEADER, offset, length);
        int typeAt = offset + EthernetHeader.TYPE;
        int type = Bytes.u16(buf, typeAt);
        VlanTag tag = null;
        if (type == TPID_8021Q) {
            Bytes.needHeader("802.1Q tagged Ethernet header", HEADER + 4, offset, length);
            int tci = Bytes.u16(buf, offset + 14);
            tag = new VlanTag(tci >>> 13, (tci & 0x1000) != 0, tci & 0x0FFF);
            typeAt += 4;
            type = Bytes.u16(buf, typeAt);
        }
        if (type <= MAX_LENGTH_FIELD) {
            if (tag != null) {
                throw new MalformedFrameException("802.3 length field inside an 802.1Q tag is not supported", typeAt);
            }
            return Ieee8023.INSTANCE.decode(buf, offset, length);
        }
        if (type < MIN_ETHERTYPE) {
            throw new MalformedFrameException("type/length field " + type + " is neither an 802.3 length (<= 1500) nor an EtherType (>= 0x0600)", typeAt);
        }
        int payloadAt = typeAt + 2;
        return new Frame(HardwareAddress.of(buf, offset, 6), HardwareAddress.of(buf, offset + 6, 6), type,
                buf, payloadAt, offset + length - payloadAt, tag);
    }
}
