package org.uarpd.wire;

import java.util.Objects;

/**
 * An ARP-family packet in the RFC 826 layout as a plain value: ARP request and reply (RFC 826), RARP
 * (RFC 903), InARP (RFC 2390) and ARP-NAK (RFC 2225 §8.7) all share it. Any hardware type except
 * ATM (hardware type 19 has its own layout: {@link AtmArpPacket}) and any address lengths from 1 to
 * 254 bytes: {@code ar_hln} and {@code ar_pln} are the lengths of the addresses held here, and drive
 * every offset when encoding and decoding (ARCnet 1 byte, Ethernet 6, IPoIB 20…).
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
        ProtocolAddress targetProtocol) implements ArpFamilyPacket {

    /** Bytes before the first address. */
    public static final int FIXED_HEADER = ArpLayout.SHA;
    /** Longest address length the wire can carry: 255 is rejected like 0 (see {@link ArpCodec}). */
    public static final int MAX_ADDRESS_LENGTH = 254;

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
        if (hardwareType.value() == AtmArpLayout.ATM) {
            throw new IllegalArgumentException("hardware type 19 (ATM) uses the RFC 2225 layout: build an AtmArpPacket");
        }
        if (senderHardware.length() != targetHardware.length()) {
            throw new IllegalArgumentException("sender and target hardware addresses differ in length: "
                    + senderHardware.length() + " vs " + targetHardware.length());
        }
        if (senderProtocol.length() != targetProtocol.length()) {
            throw new IllegalArgumentException("sender and target protocol addresses differ in length: "
                    + senderProtocol.length() + " vs " + targetProtocol.length());
        }
        checkLength("hardware", senderHardware.length());
        checkLength("protocol", senderProtocol.length());
    }

    private static void checkLength(String what, int n) {
        if (n < 1 || n > MAX_ADDRESS_LENGTH) {
            throw new IllegalArgumentException(what + " address length " + n + " outside 1.." + MAX_ADDRESS_LENGTH);
        }
    }

    // ---- Factories for IPv4 (ar_pro 0x0800, ar_pln 4), the engine's everyday packets ----

    /** RFC 826 request: who has {@code targetIp}? Target hardware address left zero (unknown). */
    public static ArpPacket request(HardwareType hardwareType, HardwareAddress senderHardware, int senderIp, int targetIp) {
        return new ArpPacket(hardwareType, EtherType.IPV4, Opcode.REQUEST, senderHardware, ProtocolAddress.ip4(senderIp),
                zeros(senderHardware.length()), ProtocolAddress.ip4(targetIp));
    }

    /** RFC 826 reply: {@code senderIp} is at {@code senderHardware}, told to the target. */
    public static ArpPacket reply(HardwareType hardwareType, HardwareAddress senderHardware, int senderIp,
                                  HardwareAddress targetHardware, int targetIp) {
        return new ArpPacket(hardwareType, EtherType.IPV4, Opcode.REPLY, senderHardware, ProtocolAddress.ip4(senderIp),
                targetHardware, ProtocolAddress.ip4(targetIp));
    }

    /** RFC 5227 §2.1.1 probe: a request with sender protocol address 0, asking for {@code ip}. */
    public static ArpPacket probe(HardwareType hardwareType, HardwareAddress senderHardware, int ip) {
        return request(hardwareType, senderHardware, 0, ip);
    }

    /** RFC 5227 §2.3 announcement (gratuitous ARP): a request with sender and target both {@code ip}. */
    public static ArpPacket announcement(HardwareType hardwareType, HardwareAddress senderHardware, int ip) {
        return request(hardwareType, senderHardware, ip, ip);
    }

    /**
     * RFC 903 request: who is {@code whose} (usually the sender itself)? The protocol addresses are
     * undefined in a RARP request; we send zeros.
     */
    public static ArpPacket rarpRequest(HardwareType hardwareType, HardwareAddress senderHardware, HardwareAddress whose) {
        return new ArpPacket(hardwareType, EtherType.IPV4, Opcode.RARP_REQUEST, senderHardware, ProtocolAddress.ip4(0),
                whose, ProtocolAddress.ip4(0));
    }

    /**
     * RFC 2390 InARP request: the sender gives both its addresses and the target's hardware
     * address (typically known from the virtual circuit), asking for the target's protocol address.
     */
    public static ArpPacket inarpRequest(HardwareType hardwareType, HardwareAddress senderHardware, int senderIp,
                                         HardwareAddress targetHardware) {
        return new ArpPacket(hardwareType, EtherType.IPV4, Opcode.INARP_REQUEST, senderHardware,
                ProtocolAddress.ip4(senderIp), targetHardware, ProtocolAddress.ip4(0));
    }

    // ---- Answers built from a received packet ----

    /**
     * The RFC 826 reply to this request: "swap the sender and target fields, put the local hardware
     * and protocol address in the sender fields, set the opcode to reply". {@code answer} is the
     * hardware address that {@link #targetProtocol()} is at.
     */
    public ArpPacket replyTo(HardwareAddress answer) {
        return new ArpPacket(hardwareType, protocolType, Opcode.REPLY, answer, targetProtocol, senderHardware, senderProtocol);
    }

    /**
     * The RFC 903 reply to this RARP request, sent by a server at {@code serverHardware} /
     * {@code serverProtocol}: the target fields carry the asked-about hardware address and its
     * protocol address {@code answer}.
     */
    public ArpPacket rarpReplyTo(HardwareAddress serverHardware, ProtocolAddress serverProtocol, ProtocolAddress answer) {
        return new ArpPacket(hardwareType, protocolType, Opcode.RARP_REPLY, serverHardware, serverProtocol, targetHardware, answer);
    }

    /**
     * The RFC 2390 reply to this InARP request: the responder puts its own addresses (the
     * requested hardware address and {@code ownProtocol}) in the sender fields and the requester's
     * in the target fields.
     */
    public ArpPacket inarpReplyTo(ProtocolAddress ownProtocol) {
        return new ArpPacket(hardwareType, protocolType, Opcode.INARP_REPLY, targetHardware, ownProtocol, senderHardware, senderProtocol);
    }

    /** RFC 2225 §8.7: a NAK is the request sent back unchanged except for the opcode. */
    public ArpPacket nak() {
        return withOpcode(Opcode.NAK);
    }

    public ArpPacket withOpcode(Opcode op) {
        return new ArpPacket(hardwareType, protocolType, op, senderHardware, senderProtocol, targetHardware, targetProtocol);
    }

    public int hardwareLength() {
        return senderHardware.length();
    }

    public int protocolLength() {
        return senderProtocol.length();
    }

    /** True for IPv4 over this hardware: {@code ar_pro} 0x0800 and 4-byte protocol addresses. */
    public boolean isIp4() {
        return protocolType == EtherType.IPV4 && protocolLength() == 4;
    }

    @Override
    public int size() {
        return ArpView.size(hardwareLength(), protocolLength());
    }

    /**
     * One line, tcpdump-like: {@code who-has 192.0.2.1 tell 192.0.2.2}, {@code 192.0.2.1 is-at
     * 02:00:5e:00:00:01}, {@code rarp who-is …}, {@code inarp …}, {@code nak …}; an unknown opcode
     * prints all four addresses.
     */
    @Override
    public String describe() {
        if (opcode.equals(Opcode.REQUEST)) {
            return "who-has " + targetProtocol + (targetHardware.isZero() ? "" : " (" + targetHardware + ")") + " tell " + senderProtocol;
        }
        if (opcode.equals(Opcode.REPLY)) return senderProtocol + " is-at " + senderHardware;
        if (opcode.equals(Opcode.RARP_REQUEST)) return "rarp who-is " + targetHardware + " tell " + senderHardware;
        if (opcode.equals(Opcode.RARP_REPLY)) return "rarp reply " + targetHardware + " at " + targetProtocol;
        if (opcode.equals(Opcode.INARP_REQUEST)) return "inarp who-is " + targetHardware + " tell " + senderHardware + " (" + senderProtocol + ")";
        if (opcode.equals(Opcode.INARP_REPLY)) return "inarp reply " + senderHardware + " at " + senderProtocol;
        if (opcode.equals(Opcode.NAK)) return "nak for " + targetProtocol + " asked by " + senderProtocol;
        return opcode + " " + senderHardware + " " + senderProtocol + " -> " + targetHardware + " " + targetProtocol;
    }

    private static HardwareAddress zeros(int n) {
        return HardwareAddress.of(new byte[n]);
    }
}
