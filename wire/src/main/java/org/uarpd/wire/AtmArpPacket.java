package org.uarpd.wire;

import java.util.Objects;

/**
 * An ATMARP / InATMARP / ATMARP-NAK packet (RFC 2225 §8.7) as a plain value. Hardware type is
 * always 19. Each ATM number and subaddress carries its own format and length (0 to 20 bytes), and
 * each protocol address its own length (0 to 254 bytes): 0 is how RFC 2225 says "not known" — the
 * target ATM number of an ATMARP request, the target protocol address of an InATMARP request.
 *
 * <p>Subaddresses are NSAP-format only, and only follow an ATM number (an E.164 number on a public
 * network with an NSAP subaddress for the private one behind it).
 */
public record AtmArpPacket(
        int protocolType,
        Opcode opcode,
        AtmAddress senderAtmNumber,
        AtmAddress senderAtmSubaddress,
        ProtocolAddress senderProtocol,
        AtmAddress targetAtmNumber,
        AtmAddress targetAtmSubaddress,
        ProtocolAddress targetProtocol) implements ArpFamilyPacket {

    /** Bytes before the first address. */
    public static final int FIXED_HEADER = AtmArpLayout.HEADER;
    /** Longest protocol address; 255, like in RFC 826 packets, is taken for garbage. */
    public static final int MAX_PROTOCOL_LENGTH = 254;

    public AtmArpPacket {
        Objects.requireNonNull(opcode, "opcode");
        Objects.requireNonNull(senderAtmNumber, "senderAtmNumber");
        Objects.requireNonNull(senderAtmSubaddress, "senderAtmSubaddress");
        Objects.requireNonNull(senderProtocol, "senderProtocol");
        Objects.requireNonNull(targetAtmNumber, "targetAtmNumber");
        Objects.requireNonNull(targetAtmSubaddress, "targetAtmSubaddress");
        Objects.requireNonNull(targetProtocol, "targetProtocol");
        if (protocolType < 0 || protocolType > 0xFFFF) {
            throw new IllegalArgumentException("protocol type out of 16-bit range: " + protocolType);
        }
        checkSubaddress("sender", senderAtmNumber, senderAtmSubaddress);
        checkSubaddress("target", targetAtmNumber, targetAtmSubaddress);
        if (senderProtocol.length() > MAX_PROTOCOL_LENGTH || targetProtocol.length() > MAX_PROTOCOL_LENGTH) {
            throw new IllegalArgumentException("protocol address longer than " + MAX_PROTOCOL_LENGTH + " bytes");
        }
    }

    private static void checkSubaddress(String side, AtmAddress number, AtmAddress subaddress) {
        if (subaddress.format() != AtmAddress.Format.NSAP) {
            throw new IllegalArgumentException(side + " ATM subaddress must be NSAP format");
        }
        if (subaddress.isPresent() && !number.isPresent()) {
            throw new IllegalArgumentException(side + " ATM subaddress given without an ATM number");
        }
    }

    // ---- Factories for IPv4, the packets an ATMARP client and server exchange ----

    /** ATMARP request (RFC 2225 §8.7): who has {@code targetIp}? Target ATM address unknown (absent). */
    public static AtmArpPacket request(AtmAddress senderNumber, AtmAddress senderSubaddress, int senderIp, int targetIp) {
        return new AtmArpPacket(EtherType.IPV4, Opcode.REQUEST, senderNumber, senderSubaddress, ProtocolAddress.ip4(senderIp),
                AtmAddress.ABSENT, AtmAddress.ABSENT, ProtocolAddress.ip4(targetIp));
    }

    /**
     * InATMARP request: the sender knows the target's ATM address (its end of the virtual circuit)
     * and asks for its protocol address, which it leaves null (length 0).
     */
    public static AtmArpPacket inatmarpRequest(AtmAddress senderNumber, AtmAddress senderSubaddress, int senderIp,
                                               AtmAddress targetNumber, AtmAddress targetSubaddress) {
        return new AtmArpPacket(EtherType.IPV4, Opcode.INARP_REQUEST, senderNumber, senderSubaddress,
                ProtocolAddress.ip4(senderIp), targetNumber, targetSubaddress, ProtocolAddress.EMPTY);
    }

    /**
     * The ATMARP reply to this request: the sender fields carry the answer (the ATM address at which
     * {@link #targetProtocol()} is found), the target fields the requester.
     */
    public AtmArpPacket replyTo(AtmAddress number, AtmAddress subaddress) {
        return new AtmArpPacket(protocolType, Opcode.REPLY, number, subaddress, targetProtocol,
                senderAtmNumber, senderAtmSubaddress, senderProtocol);
    }

    /** The InATMARP reply to this request: the responder's own addresses become the sender fields. */
    public AtmArpPacket inatmarpReplyTo(ProtocolAddress ownProtocol) {
        return new AtmArpPacket(protocolType, Opcode.INARP_REPLY, targetAtmNumber, targetAtmSubaddress, ownProtocol,
                senderAtmNumber, senderAtmSubaddress, senderProtocol);
    }

    /** RFC 2225 §8.7: the server's ATMARP_NAK is the request sent back with the opcode changed. */
    public AtmArpPacket nak() {
        return withOpcode(Opcode.NAK);
    }

    public AtmArpPacket withOpcode(Opcode op) {
        return new AtmArpPacket(protocolType, op, senderAtmNumber, senderAtmSubaddress, senderProtocol,
                targetAtmNumber, targetAtmSubaddress, targetProtocol);
    }

    @Override
    public HardwareType hardwareType() {
        return HardwareType.ATM;
    }

    /** The sender's ATM number (without subaddress). */
    @Override
    public HardwareAddress senderHardware() {
        return senderAtmNumber.value();
    }

    /** The target's ATM number (without subaddress); empty when unknown. */
    @Override
    public HardwareAddress targetHardware() {
        return targetAtmNumber.value();
    }

    @Override
    public int size() {
        return FIXED_HEADER + senderAtmNumber.length() + senderAtmSubaddress.length() + senderProtocol.length()
                + targetAtmNumber.length() + targetAtmSubaddress.length() + targetProtocol.length();
    }

    /**
     * One line, tcpdump-like, with the ATM address as {@code number[,subaddress]}:
     * {@code atmarp who-has 192.0.2.1 tell 192.0.2.2 (+15085551234)},
     * {@code atmarp 192.0.2.1 is-at 47:00:…}, {@code inatmarp who-is …}, {@code atmarp nak for …}.
     */
    @Override
    public String describe() {
        String sender = atm(senderAtmNumber, senderAtmSubaddress);
        String target = atm(targetAtmNumber, targetAtmSubaddress);
        return switch (opcode.value()) {
            case 1 -> "atmarp who-has " + text(targetProtocol) + (targetAtmNumber.isPresent() ? " (" + target + ")" : "")
                    + " tell " + text(senderProtocol) + " (" + sender + ")";
            case 2 -> "atmarp " + text(senderProtocol) + " is-at " + sender;
            case 8 -> "inatmarp who-is " + target + " tell " + sender + " (" + text(senderProtocol) + ")";
            case 9 -> "inatmarp reply " + sender + " at " + text(senderProtocol);
            case 10 -> "atmarp nak for " + text(targetProtocol) + " asked by " + text(senderProtocol);
            default -> "atmarp " + opcode + " " + sender + " " + text(senderProtocol) + " -> " + target + " " + text(targetProtocol);
        };
    }

    private static String atm(AtmAddress number, AtmAddress subaddress) {
        if (!number.isPresent()) return "<none>";
        return subaddress.isPresent() ? number + "," + subaddress : number.toString();
    }

    private static String text(ProtocolAddress p) {
        return p.length() == 0 ? "<none>" : p.toString();
    }
}
