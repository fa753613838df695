package org.uarpd.wire;

import static org.uarpd.wire.ArpLayout.*;

/**
 * Encodes and decodes {@link ArpPacket} values (the RFC 826 layout). Offsets come only from the
 * packet's own {@code ar_hln} / {@code ar_pln}; nothing assumes 6-byte hardware or 4-byte protocol
 * addresses. Validation is shared with {@link ArpView}: both reject the same bytes with the same
 * error.
 *
 * <p>Two decoders, differing only in what may follow the packet:
 * <ul>
 *   <li>{@link #decode} ignores trailing bytes. Use it for frames off a link: Ethernet pads every
 *       frame to 60 bytes, so a 28-byte ARP packet arrives with 18 bytes of padding (often not zero).
 *   <li>{@link #decodeExact} reports trailing bytes as malformed. Use it where the packet's extent is
 *       known exactly (a length-delimited record, a test vector) and garbage must not pass unnoticed.
 * </ul>
 * Hardware type 19 is rejected by both: ATMARP packets are read by {@link AtmArpCodec}, and
 * {@link ArpFamilyCodec} picks the right codec by {@code ar_hrd}.
 */
public final class ArpCodec {
    private ArpCodec() {}

    /** Decodes the ARP packet at the start of {@code buf[offset, offset+length)}; bytes past it are ignored. */
    public static ArpPacket decode(byte[] buf, int offset, int length) throws MalformedFrameException {
        checkedSize(buf, offset, length);
        return read(buf, offset);
    }

    /** Like {@link #decode}, but bytes after the packet are an error ("N trailing bytes…"). */
    public static ArpPacket decodeExact(byte[] buf, int offset, int length) throws MalformedFrameException {
        checkNoTrailing(offset, length, checkedSize(buf, offset, length), "ARP");
        return read(buf, offset);
    }

    public static ArpPacket decode(byte[] buf) throws MalformedFrameException {
        return decode(buf, 0, buf.length);
    }

    /** Reads a packet whose extent {@link ArpLayout#checkedSize} has already vouched for. */
    private static ArpPacket read(byte[] buf, int offset) {
        int hln = buf[offset + HLN] & 0xFF;
        int pln = buf[offset + PLN] & 0xFF;
        int p = offset + SHA;
        HardwareAddress sha = HardwareAddress.of(buf, p, hln);
        p += hln;
        ProtocolAddress spa = ProtocolAddress.of(buf, p, pln);
        p += pln;
        HardwareAddress tha = HardwareAddress.of(buf, p, hln);
        p += hln;
        ProtocolAddress tpa = ProtocolAddress.of(buf, p, pln);
        return new ArpPacket(HardwareType.valueOf(u16(buf, offset + HRD)), u16(buf, offset + PRO),
                Opcode.valueOf(u16(buf, offset + OP)), sha, spa, tha, tpa);
    }

    public static byte[] encode(ArpPacket packet) {
        byte[] out = new byte[packet.size()];
        encode(packet, out, 0);
        return out;
    }

    /** Writes the packet at {@code out[offset]}; returns the number of bytes written. */
    public static int encode(ArpPacket packet, byte[] out, int offset) {
        int hln = packet.hardwareLength();
        int pln = packet.protocolLength();
        java.util.Objects.checkFromIndexSize(offset, packet.size(), out.length);
        putU16(out, offset + HRD, packet.hardwareType().value());
        putU16(out, offset + PRO, packet.protocolType());
        out[offset + HLN] = (byte) hln;
        out[offset + PLN] = (byte) pln;
        putU16(out, offset + OP, packet.opcode().value());
        int p = offset + SHA;
        packet.senderHardware().copyTo(out, p);
        p += hln;
        packet.senderProtocol().copyTo(out, p);
        p += pln;
        packet.targetHardware().copyTo(out, p);
        p += hln;
        packet.targetProtocol().copyTo(out, p);
        return packet.size();
    }
}
