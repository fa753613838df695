package org.uarpd.wire;

/**
 * Any packet of the ARP family as a plain value: the RFC 826 layout ({@link ArpPacket}, which also
 * carries RARP, InARP and ARP-NAK) or the RFC 2225 ATMARP layout ({@link AtmArpPacket}, hardware
 * type 19). {@link ArpFamilyCodec} decodes either, choosing by {@code ar_hrd}.
 *
 * <p>The accessors below mean the same for both: for ATMARP the "hardware" addresses are the ATM
 * numbers (subaddresses are on {@link AtmArpPacket} only), and a protocol address may be empty
 * where RFC 2225 allows a null one.
 */
public sealed interface ArpFamilyPacket permits ArpPacket, AtmArpPacket {
    HardwareType hardwareType();

    /** {@code ar_pro}: an EtherType, 0x0800 for IPv4. */
    int protocolType();

    Opcode opcode();

    HardwareAddress senderHardware();

    ProtocolAddress senderProtocol();

    HardwareAddress targetHardware();

    ProtocolAddress targetProtocol();

    /** Encoded size in bytes. */
    int size();

    /** One readable line in the spirit of tcpdump's ARP lines: "who-has 192.0.2.1 tell 192.0.2.2". */
    String describe();
}
