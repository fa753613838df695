package org.uarpd.wire.link;

import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.HardwareType;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.MalformedFrameException;

/** Ethernet II (DIX): destination, source, EtherType, payload. Pads to the 60-byte minimum on encode. */
public final class Ethernet implements LinkType {
    public static final Ethernet INSTANCE = new Ethernet();
    public static final int HEADER = 14;
    public static final int MIN_FRAME = 60;
    private static final HardwareAddress BROADCAST = HardwareAddress.parse("ff:ff:ff:ff:ff:ff");

    private Ethernet() {}

    @Override public String name() { return "ethernet"; }
    @Override public HardwareType hardwareType() { return HardwareType.ETHERNET; }
    @Override public int addressLength() { return 6; }
    @Override public HardwareAddress broadcast() { return BROADCAST; }
    @Override public int pcapLinkType() { return 1; }

    @Override
    public byte[] encode(HardwareAddress destination, HardwareAddress source, int protocol, byte[] payload) {
        byte[] out = new byte[Math.max(MIN_FRAME, HEADER + payload.length)];
        destination.copyTo(out, 0);
        source.copyTo(out, 6);
        out[12] = (byte) (protocol >>> 8);
        out[13] = (byte) protocol;
        System.arraycopy(payload, 0, out, HEADER, payload.length);
        return out;
    }

    @Override
    public Frame decode(byte[] buf, int offset, int length) throws MalformedFrameException {
        if (length < HEADER) {
            throw new MalformedFrameException("Ethernet header truncated: " + length + " of " + HEADER + " bytes", offset);
        }
        int type = ((buf[offset + 12] & 0xFF) << 8) | (buf[offset + 13] & 0xFF);
        if (type < 0x0600) {
            throw new MalformedFrameException("802.3 length field " + type + " where an EtherType was expected", offset + 12);
        }
        return new Frame(HardwareAddress.of(buf, offset, 6), HardwareAddress.of(buf, offset + 6, 6), type,
                buf, offset + HEADER, length - HEADER, null);
    }
}
