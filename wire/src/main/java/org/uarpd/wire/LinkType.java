package org.uarpd.wire;

/**
 * What differs between kinds of network, in one strategy object per kind (NetBSD's
 * {@code struct nd_domain} is the model): the ARP hardware type used there, the hardware address
 * length, the broadcast address, the pcap link-layer type, and the framing of ARP-family payloads.
 */
public interface LinkType {
    /** Short name, as printed and as used in config ("ethernet", "token-ring", "fddi", …). */
    String name();

    /** {@code ar_hrd} used on this kind of link. */
    HardwareType hardwareType();

    /** {@code ar_hln}: hardware address length in bytes. */
    int addressLength();

    /** Link-layer broadcast address. */
    HardwareAddress broadcast();

    /** pcap LINKTYPE_ value for captures of this framing. */
    int pcapLinkType();

    /** Frames {@code payload} of EtherType {@code protocol} from {@code source} to {@code destination}. */
    byte[] encode(HardwareAddress destination, HardwareAddress source, int protocol, byte[] payload);

    /** Decodes a frame at {@code buf[offset, offset+length)}. */
    Frame decode(byte[] buf, int offset, int length) throws MalformedFrameException;
}
