package org.uarpd.wire;

import java.util.Objects;

/**
 * An ARP-family packet (RFC 826 layout, also RARP per RFC 903, InARP per RFC 2390 and ARP-NAK per
 * RFC 2225) as a plain value. Any hardware type and any address lengths: {@code ar_hln} and
 * {@code ar_pln} are the lengths of the addresses held here, and drive every offset when decoding.
 *
 * <pre>
 *  0      2      4    5    6      8
 *  | hrd  | pro  |hln |pln | op   | sha (hln) | spa (pln) | tha (hln) | tpa (pln) |
 * </pre>
 */
public record ArpPacket(
        HardwareType hardwareType,
        int protocolType,
        Opcode opcode,
        HardwareAddress senderHardware,
        ProtocolAddress senderProtocol,
        HardwareAddress targetHardware,
        ProtocolAddress targetProtocol) {

    /** Bytes before the first address. */
    public static final int FIXED_HEADER = 8;

    public ArpPacket {
        Objects.requireNonNull(hardwareType, "hardwareType");
        Objects.requireNonNull(opcode, "opcode");
        Objects.requireNonNull(senderHardware, "senderHardware");
        Objects.requireNonNull(senderProtocol, "senderProtocol");
        Objects.requireNonNull(targetHardware, "targetHardware");
        Objects.requireNonNull(targetProtocol, "targetProtocol");
        if (protocolType < 0 || protocolType > 0xFFFF) {
            throw new IllegalArgumentException("protocol type out of 16-bit range: " + protocolType);
        }
        if (senderHardware.length() != targetHardware.length()) {
            throw new IllegalArgumentException("sender and target hardware addresses differ in length: "
                    + senderHardware.length() + " vs " + targetHardware.length());
        }
        if (senderProtocol.length() != targetProtocol.length()) {
            throw new IllegalArgumentException("sender and target protocol addresses differ in length: "
                    + senderProtocol.length() + " vs " + targetProtocol.length());
        }
        if (senderHardware.length() > 255 || senderProtocol.length() > 255) {
            throw new IllegalArgumentException("address longer than 255 bytes");
        }
    }

    public int hardwareLength() {
        return senderHardware.length();
    }

    public int protocolLength() {
        return senderProtocol.length();
    }

    /** Encoded size in bytes. */
    public int size() {
        return FIXED_HEADER + 2 * hardwareLength() + 2 * protocolLength();
    }
}
