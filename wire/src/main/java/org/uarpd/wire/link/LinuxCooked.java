package org.uarpd.wire.link;

import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.HardwareType;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.MalformedFrameException;

/**
 * Linux cooked captures (pcap link type 113) of devices other than IPoIB — what {@code tcpdump -i any}
 * writes, mostly for Ethernet. The {@link CookedHeader} keeps the sender's address (for received
 * frames) and whether the frame was broadcast, not the destination. Decoding gives the recorded
 * address as source, the Ethernet broadcast address as destination of broadcast frames of 6-byte
 * address devices and an empty destination otherwise; protocol {@code LINUX_SLL_P_802_2} means an
 * LLC header follows, other values below 0x0600 are Linux's pseudo-protocols and give
 * {@link LlcSnap#NOT_ETHERTYPE}. Encoding writes an Ethernet ({@code ARPHRD_ETHER}) header.
 *
 * <p>Not a kind of network, so not in {@link LinkTypes#all()}: {@link LinkTypes#forCapture} picks
 * it, or {@link Ipoib} when the header says {@code ARPHRD_INFINIBAND}.
 */
public final class LinuxCooked implements LinkType {
    public static final LinuxCooked INSTANCE = new LinuxCooked();
    public static final int ARPHRD_ETHER = 1;

    private LinuxCooked() {}

    @Override public String name() { return "linux-cooked"; }
    @Override public HardwareType hardwareType() { return HardwareType.ETHERNET; }
    @Override public int addressLength() { return 6; }
    @Override public HardwareAddress broadcast() { return Ethernet.BROADCAST; }
    @Override public int pcapLinkType() { return 113; }

    /** An SLL header for an Ethernet device: broadcast, multicast (group bit) or to-us, source address recorded. */
    @Override
    public byte[] encode(HardwareAddress destination, HardwareAddress source, int protocol, byte[] payload) {
        Bytes.requireLength("destination", destination, 6, name());
        Bytes.requireLength("source", source, 6, name());
        if (protocol < Ethernet.MIN_ETHERTYPE || protocol > 0xFFFF) {
            throw new IllegalArgumentException(String.format("0x%04x is not an EtherType", protocol));
        }
        int packetType = destination.equals(Ethernet.BROADCAST) ? CookedHeader.PACKET_BROADCAST
                : (destination.get(0) & 1) != 0 ? CookedHeader.PACKET_MULTICAST : CookedHeader.PACKET_HOST;
        byte[] out = new byte[CookedHeader.SIZE + payload.length];
        CookedHeader.write(out, packetType, ARPHRD_ETHER, source, protocol);
        System.arraycopy(payload, 0, out, CookedHeader.SIZE, payload.length);
        return out;
    }

    @Override
    public Frame decode(byte[] buf, int offset, int length) throws MalformedFrameException {
        Bytes.checkWindow(buf, offset, length);
        CookedHeader h = CookedHeader.read(buf, offset, length);
        if (h.addressLength() > CookedHeader.ADDRESS_FIELD && h.hardwareType() != Ipoib.ARPHRD_INFINIBAND) {
            // Only IPoIB's 20-byte addresses are known to exceed the field; anything else is garbage.
            throw new MalformedFrameException("SLL halen " + h.addressLength() + " exceeds the 8-byte address field", offset + 4);
        }
        HardwareAddress destination = h.packetType() == CookedHeader.PACKET_BROADCAST && h.addressLength() == 6
                ? Ethernet.BROADCAST : HardwareAddress.EMPTY;
        int dataAt = offset + CookedHeader.SIZE;
        int protocol = h.protocol();
        int payloadAt = dataAt;
        if (protocol == CookedHeader.PROTOCOL_802_2) {
            protocol = LlcSnap.read(buf, dataAt, offset + length - dataAt);
            payloadAt = LlcSnap.payloadOffset(protocol, dataAt);
        } else if (protocol < Ethernet.MIN_ETHERTYPE) {
            protocol = LlcSnap.NOT_ETHERTYPE;
        }
        HardwareAddress source = h.addressLength() <= CookedHeader.ADDRESS_FIELD ? h.addressBytes() : HardwareAddress.EMPTY;
        return new Frame(destination, source, protocol, buf, payloadAt, offset + length - payloadAt, h);
    }
}
