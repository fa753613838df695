package org.uarpd.wire.link;

import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.MalformedFrameException;

/**
 * The 16-byte header of a Linux cooked capture (pcap link type 113, {@code LINKTYPE_LINUX_SLL}):
 * packet type (0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us), the device's
 * {@code ARPHRD_} type, the link-layer address length as the kernel gave it, up to 8 bytes of that
 * address (the sender's, for received frames), and the protocol. {@code addressBytes} holds the
 * address bytes present: {@code min(addressLength, 8)} of them.
 */
public record CookedHeader(int packetType, int hardwareType, int addressLength, HardwareAddress addressBytes, int protocol) {
    public static final int SIZE = 16;
    public static final int ADDRESS_FIELD = 8;
    public static final int PACKET_HOST = 0;
    public static final int PACKET_BROADCAST = 1;
    public static final int PACKET_MULTICAST = 2;
    public static final int PACKET_OTHERHOST = 3;
    public static final int PACKET_OUTGOING = 4;
    /** Protocol value meaning an 802.2 LLC header follows ({@code LINUX_SLL_P_802_2}). */
    public static final int PROTOCOL_802_2 = 0x0004;

    /** Reads and checks the header at {@code buf[offset]}; {@code length} bytes are available there. */
    static CookedHeader read(byte[] buf, int offset, int length) throws MalformedFrameException {
        Bytes.needHeader("Linux cooked (SLL) header", SIZE, offset, length);
        int packetType = Bytes.u16(buf, offset);
        if (packetType > PACKET_OUTGOING) {
            throw new MalformedFrameException("SLL packet type " + packetType + " is not one of 0..4", offset);
        }
        int hatype = Bytes.u16(buf, offset + 2);
        int halen = Bytes.u16(buf, offset + 4);
        HardwareAddress present = HardwareAddress.of(buf, offset + 6, Math.min(halen, ADDRESS_FIELD));
        return new CookedHeader(packetType, hatype, halen, present, Bytes.u16(buf, offset + 14));
    }

    /** Writes a header at {@code out[0]}, copying at most 8 bytes of {@code address}. */
    static void write(byte[] out, int packetType, int hatype, HardwareAddress address, int protocol) {
        Bytes.putU16(out, 0, packetType);
        Bytes.putU16(out, 2, hatype);
        Bytes.putU16(out, 4, address.length());
        byte[] a = address.toByteArray();
        System.arraycopy(a, 0, out, 6, Math.min(a.length, ADDRESS_FIELD));
        Bytes.putU16(out, 14, protocol);
    }
}
