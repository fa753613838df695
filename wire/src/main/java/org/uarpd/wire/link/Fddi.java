package org.uarpd.wire.link;

import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.HardwareType;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.MalformedFrameException;

/**
 * FDDI (pcap link type 10) with LLC/SNAP per RFC 1390: frame control, destination, source, LLC/SNAP,
 * payload. RFC 1390 §3 has ARP on FDDI use hardware type 1 (Ethernet), not 6 (IEEE 802), so that
 * FDDI and Ethernet stations bridged together understand each other's ARP. The frame control byte is
 * reported as a {@link Header} in {@link Frame#extras()}.
 *
 * <p>Bit order: the header addresses are kept in canonical (Ethernet) order, as Linux FDDI drivers
 * hand them to packet sockets and as tcpdump on Linux prints them, so that a frame's source equals
 * the ARP sender hardware address. Wireshark builds with {@code BIT_SWAPPED_MAC_ADDRS} (Debian's
 * among them) show pcap link type 10 header addresses bit-reversed; the ARP fields are unaffected.
 */
public final class Fddi implements LinkType {
    public static final Fddi INSTANCE = new Fddi();
    public static final int MAC_HEADER = 13;
    /** FC for an asynchronous LLC frame with 48-bit addresses, priority 0 (bits CLFF ZZZZ = 0101 0000). */
    public static final int DEFAULT_FRAME_CONTROL = 0x50;
    private static final HardwareAddress BROADCAST = HardwareAddress.parse("ff:ff:ff:ff:ff:ff");

    /** The frame control byte of a decoded frame. */
    public record Header(int frameControl) {}

    private Fddi() {}

    @Override public String name() { return "fddi"; }
    @Override public HardwareType hardwareType() { return HardwareType.ETHERNET; }
    @Override public int addressLength() { return 6; }
    @Override public HardwareAddress broadcast() { return BROADCAST; }
    @Override public int pcapLinkType() { return 10; }

    @Override
    public byte[] encode(HardwareAddress destination, HardwareAddress source, int protocol, byte[] payload) {
        Bytes.requireLength("destination", destination, 6, name());
        Bytes.requireLength("source", source, 6, name());
        byte[] out = new byte[MAC_HEADER + LlcSnap.SIZE + payload.length];
        out[0] = (byte) DEFAULT_FRAME_CONTROL;
        destination.copyTo(out, 1);
        source.copyTo(out, 7);
        LlcSnap.write(out, MAC_HEADER, protocol);
        System.arraycopy(payload, 0, out, MAC_HEADER + LlcSnap.SIZE, payload.length);
        return out;
    }

    @Override
    public Frame decode(byte[] buf, int offset, int length) throws MalformedFrameException {
        Bytes.checkWindow(buf, offset, length);
        Bytes.needHeader("FDDI header", MAC_HEADER, offset, length);
        int fc = Bytes.u8(buf, offset);
        // FC bits C L F F: the frame format FF must be 01 (LLC) and L must say 48-bit addresses.
        if ((fc & 0x30) != 0x10 || (fc & 0x40) == 0) {
            throw new MalformedFrameException(String.format("FDDI FC 0x%02x is not an LLC frame with 48-bit addresses", fc), offset);
        }
        int protocol = LlcSnap.read(buf, offset + MAC_HEADER, length - MAC_HEADER);
        int payloadAt = LlcSnap.payloadOffset(protocol, offset + MAC_HEADER);
        return new Frame(HardwareAddress.of(buf, offset + 1, 6), HardwareAddress.of(buf, offset + 7, 6), protocol,
                buf, payloadAt, offset + length - payloadAt, new Header(fc));
    }
}
