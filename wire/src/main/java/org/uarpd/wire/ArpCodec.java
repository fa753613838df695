package org.uarpd.wire;

/**
 * Encodes and decodes {@link ArpPacket} values. Offsets come only from the packet's own
 * {@code ar_hln} / {@code ar_pln}; nothing assumes 6-byte hardware or 4-byte protocol addresses.
 */
public final class ArpCodec {
    private ArpCodec() {}

    /** Decodes exactly the ARP packet at {@code buf[offset, offset+length)}; bytes past it are ignored. */
    public static ArpPacket decode(byte[] buf, int offset, int length) throws MalformedFrameException {
        if (length < ArpPacket.FIXED_HEADER) {
            throw new MalformedFrameException("ARP header truncated: " + length + " of " + ArpPacket.FIXED_HEADER + " bytes", offset);
        }
        int hrd = u16(buf, offset);
        int pro = u16(buf, offset + 2);
        int hln = buf[offset + 4] & 0xFF;
        int pln = buf[offset + 5] & 0xFF;
        int op = u16(buf, offset + 6);
        if (hln == 0 || hln == 255) {
            throw new MalformedFrameException("ar_hln " + hln + " is not a usable hardware address length", offset + 4);
        }
        if (pln == 0 || pln == 255) {
            throw new MalformedFrameException("ar_pln " + pln + " is not a usable protocol address length", offset + 5);
        }
        int need = ArpPacket.FIXED_HEADER + 2 * hln + 2 * pln;
        if (length < need) {
            throw new MalformedFrameException("ARP addresses overrun the buffer: ar_hln " + hln + " and ar_pln " + pln
                    + " need " + need + " bytes, " + length + " present", offset + length);
        }
        int p = offset + ArpPacket.FIXED_HEADER;
        HardwareAddress sha = HardwareAddress.of(buf, p, hln);
        p += hln;
        ProtocolAddress spa = ProtocolAddress.of(buf, p, pln);
        p += pln;
        HardwareAddress tha = HardwareAddress.of(buf, p, hln);
        p += hln;
        ProtocolAddress tpa = ProtocolAddress.of(buf, p, pln);
        return new ArpPacket(HardwareType.valueOf(hrd), pro, Opcode.valueOf(op), sha, spa, tha, tpa);
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
        putU16(out, offset, packet.hardwareType().value());
        putU16(out, offset + 2, packet.protocolType());
        out[offset + 4] = (byte) hln;
        out[offset + 5] = (byte) pln;
        putU16(out, offset + 6, packet.opcode().value());
        int p = offset + ArpPacket.FIXED_HEADER;
        packet.senderHardware().copyTo(out, p);
        p += hln;
        packet.senderProtocol().copyTo(out, p);
        p += pln;
        packet.targetHardware().copyTo(out, p);
        p += hln;
        packet.targetProtocol().copyTo(out, p);
        return packet.size();
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    static void putU16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }
}
