package org.uarpd.wire.link;

import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.HardwareType;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.MalformedFrameException;

/**
 * IP over InfiniBand (RFC 4391) as a Linux cooked capture shows it (pcap link type 113,
 * {@code LINKTYPE_LINUX_SLL}). The 16-byte SLL header is: packet type, ARPHRD type (32,
 * {@code ARPHRD_INFINIBAND}), link-layer address length, 8 address bytes, protocol (an EtherType).
 *
 * <p>An IPoIB hardware address is 20 bytes (RFC 4391 §9.1.1: flags and 24-bit QPN, then a 16-byte
 * GID), which the 8-byte SLL address field cannot hold, and Linux's IPoIB driver has no
 * header-parse operation, so its captures carry address length 0. The destination is therefore
 * known only as "broadcast" (packet type 1); decoding gives the IPoIB broadcast address for those
 * frames and an empty address otherwise, and an empty source. The SLL header is reported as a
 * {@link CookedHeader} in {@link Frame#extras()}. Cooked captures of other devices are
 * {@link LinuxCooked}'s. ARP here uses hardware type 32 with 20-byte addresses.
 */
public final class Ipoib implements LinkType {
    public static final Ipoib INSTANCE = new Ipoib();
    public static final int ARPHRD_INFINIBAND = 32;
    public static final int ADDRESS_LENGTH = 20;
    /**
     * The IPv4 broadcast group of the default partition (RFC 4391 §4: QPN 0xFFFFFF, GID
     * ff12:401b:ffff::ffff:ffff, i.e. link-local scope, IPv4 signature 0x401B, P_Key 0xFFFF).
     */
    public static final HardwareAddress BROADCAST =
            HardwareAddress.parse("00:ff:ff:ff:ff:12:40:1b:ff:ff:00:00:00:00:00:00:ff:ff:ff:ff");

    private Ipoib() {}

    @Override public String name() { return "ipoib"; }
    @Override public HardwareType hardwareType() { return HardwareType.INFINIBAND; }
    @Override public int addressLength() { return ADDRESS_LENGTH; }
    @Override public HardwareAddress broadcast() { return BROADCAST; }
    @Override public int pcapLinkType() { return 113; }

    /**
     * Writes the SLL header as Linux does for IPoIB: packet type broadcast for the broadcast
     * address, multicast for another multicast GID (first GID byte 0xFF), host otherwise; address
     * length 0. Destination and source may be 20 bytes or empty.
     */
    @Override
    public byte[] encode(HardwareAddress destination, HardwareAddress source, int protocol, byte[] payload) {
        requireIbOrEmpty("destination", destination);
        requireIbOrEmpty("source", source);
        if (protocol < Ethernet.MIN_ETHERTYPE || protocol > 0xFFFF) {
            throw new IllegalArgumentException(String.format("0x%04x is not an EtherType", protocol));
        }
        int packetType = destination.equals(BROADCAST) ? CookedHeader.PACKET_BROADCAST
                : destination.length() == ADDRESS_LENGTH && (destination.get(4) & 0xFF) == 0xFF ? CookedHeader.PACKET_MULTICAST
                : CookedHeader.PACKET_HOST;
        byte[] out = new byte[CookedHeader.SIZE + payload.length];
        CookedHeader.write(out, packetType, ARPHRD_INFINIBAND, HardwareAddress.EMPTY, protocol);
        System.arraycopy(payload, 0, out, CookedHeader.SIZE, payload.length);
        return out;
    }

    private void requireIbOrEmpty(String role, HardwareAddress address) {
        if (address.length() != 0 && address.length() != ADDRESS_LENGTH) {
            throw new IllegalArgumentException("IPoIB " + role + " address must be 20 bytes or empty, got " + address.length());
        }
    }

    @Override
    public Frame decode(byte[] buf, int offset, int length) throws MalformedFrameException {
        Bytes.checkWindow(buf, offset, length);
        CookedHeader h = CookedHeader.read(buf, offset, length);
        if (h.hardwareType() != ARPHRD_INFINIBAND) {
            throw new MalformedFrameException("SLL hatype " + h.hardwareType() + " is not ARPHRD_INFINIBAND (32)", offset + 2);
        }
        if (h.addressLength() > CookedHeader.ADDRESS_FIELD && h.addressLength() != ADDRESS_LENGTH) {
            throw new MalformedFrameException("SLL halen " + h.addressLength() + " is neither at most 8 nor the IPoIB address length 20", offset + 4);
        }
        if (h.protocol() < Ethernet.MIN_ETHERTYPE) {
            throw new MalformedFrameException(String.format("SLL protocol 0x%04x is not an EtherType", h.protocol()), offset + 14);
        }
        HardwareAddress destination = h.packetType() == CookedHeader.PACKET_BROADCAST ? BROADCAST : HardwareAddress.EMPTY;
        return new Frame(destination, HardwareAddress.EMPTY, h.protocol(), buf, offset + CookedHeader.SIZE,
                length - CookedHeader.SIZE, h);
    }
}
