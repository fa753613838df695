package org.uarpd.wire;

import static org.uarpd.wire.ArpLayout.checkField;
import static org.uarpd.wire.ArpLayout.checkNoTrailing;
import static org.uarpd.wire.ArpLayout.putU16;
import static org.uarpd.wire.ArpLayout.u16;
import static org.uarpd.wire.AtmArpLayout.*;

import java.util.Objects;

/**
 * Encodes and decodes {@link AtmArpPacket} values (RFC 2225 §8.7). Every offset comes from the
 * packet's own type-and-length and protocol length octets. As with {@link ArpCodec}, {@link #decode}
 * ignores bytes after the packet (AAL5 and LANE padding) and {@link #decodeExact} reports them.
 *
 * <p>Rejected as malformed: a header shorter than 12 bytes; {@code ar$hrd} other than 19; a
 * type-and-length octet with the reserved bit (0x80) set or a length above 20; a subaddress marked
 * E.164, or present without an ATM number; a protocol length of 255; any address running past the
 * end of the buffer.
 */
public final class AtmArpCodec {
    private AtmArpCodec() {}

    public static AtmArpPacket decode(byte[] buf, int offset, int length) throws MalformedFrameException {
        checkedSize(buf, offset, length);
        return read(buf, offset);
    }

    public static AtmArpPacket decodeExact(byte[] buf, int offset, int length) throws MalformedFrameException {
        checkNoTrailing(offset, length, checkedSize(buf, offset, length), "ATMARP");
        return read(buf, offset);
    }

    public static AtmArpPacket decode(byte[] buf) throws MalformedFrameException {
        return decode(buf, 0, buf.length);
    }

    /** Validates the packet at {@code buf[off, off+len)} and returns its size. */
    static int checkedSize(byte[] buf, int off, int len) throws MalformedFrameException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len < HEADER) {
            throw new MalformedFrameException("ATMARP header truncated: " + len + " of " + HEADER + " bytes", off);
        }
        int hrd = u16(buf, off + HRD);
        if (hrd != ATM) {
            throw new MalformedFrameException("ar$hrd " + hrd + " is not 19 (ATM): not an ATMARP packet", off + HRD);
        }
        int shl = numberLength(buf, off, SHTL, "ar$shtl");
        int ssl = subaddressLength(buf, off, SSTL, "ar$sstl", shl, "ar$shtl");
        int spl = protocolLength(buf, off, SPLN, "ar$spln");
        int thl = numberLength(buf, off, THTL, "ar$thtl");
        int tsl = subaddressLength(buf, off, TSTL, "ar$tstl", thl, "ar$thtl");
        int tpl = protocolLength(buf, off, TPLN, "ar$tpln");
        int p = HEADER;
        p = checkField(len, off, p, shl, "ar$sha");
        p = checkField(len, off, p, ssl, "ar$ssa");
        p = checkField(len, off, p, spl, "ar$spa");
        p = checkField(len, off, p, thl, "ar$tha");
        p = checkField(len, off, p, tsl, "ar$tsa");
        return checkField(len, off, p, tpl, "ar$tpa");
    }

    private static int numberLength(byte[] buf, int off, int at, String name) throws MalformedFrameException {
        int tl = buf[off + at] & 0xFF;
        if ((tl & AtmAddress.RESERVED_BIT) != 0) {
            throw new MalformedFrameException(name + " " + hex(tl) + " has the reserved bit 0x80 set", off + at);
        }
        int n = tl & AtmAddress.LENGTH_MASK;
        if (n > AtmAddress.MAX_LENGTH) {
            throw new MalformedFrameException(name + " gives length " + n + ", more than " + AtmAddress.MAX_LENGTH, off + at);
        }
        return n;
    }

    private static int subaddressLength(byte[] buf, int off, int at, String name, int numberLength, String numberName)
            throws MalformedFrameException {
        int n = numberLength(buf, off, at, name);
        int tl = buf[off + at] & 0xFF;
        if ((tl & AtmAddress.E164_BIT) != 0) {
            throw new MalformedFrameException(name + " " + hex(tl) + " marks a subaddress E.164; subaddresses are NSAP only", off + at);
        }
        if (n != 0 && numberLength == 0) {
            throw new MalformedFrameException(name + " gives a " + n + "-byte subaddress but " + numberName + " no ATM number", off + at);
        }
        return n;
    }

    private static int protocolLength(byte[] buf, int off, int at, String name) throws MalformedFrameException {
        int n = buf[off + at] & 0xFF;
        if (n == 255) {
            throw new MalformedFrameException(name + " 255 is not a usable protocol address length", off + at);
        }
        return n;
    }

    private static AtmArpPacket read(byte[] buf, int off) {
        int p = off + HEADER;
        AtmAddress sha = atm(buf, p, buf[off + SHTL]);
        p += sha.length();
        AtmAddress ssa = atm(buf, p, buf[off + SSTL]);
        p += ssa.length();
        ProtocolAddress spa = ProtocolAddress.of(buf, p, buf[off + SPLN] & 0xFF);
        p += spa.length();
        AtmAddress tha = atm(buf, p, buf[off + THTL]);
        p += tha.length();
        AtmAddress tsa = atm(buf, p, buf[off + TSTL]);
        p += tsa.length();
        ProtocolAddress tpa = ProtocolAddress.of(buf, p, buf[off + TPLN] & 0xFF);
        return new AtmArpPacket(u16(buf, off + PRO), Opcode.valueOf(u16(buf, off + OP)), sha, ssa, spa, tha, tsa, tpa);
    }

    private static AtmAddress atm(byte[] buf, int p, byte typeAndLength) {
        AtmAddress.Format format = (typeAndLength & AtmAddress.E164_BIT) != 0 ? AtmAddress.Format.E164 : AtmAddress.Format.NSAP;
        int n = typeAndLength & AtmAddress.LENGTH_MASK;
        if (n == 0 && format == AtmAddress.Format.NSAP) return AtmAddress.ABSENT;
        return new AtmAddress(format, HardwareAddress.of(buf, p, n));
    }

    public static byte[] encode(AtmArpPacket packet) {
        byte[] out = new byte[packet.size()];
        encode(packet, out, 0);
        return out;
    }

    /** Writes the packet at {@code out[offset]}; returns the number of bytes written. */
    public static int encode(AtmArpPacket packet, byte[] out, int offset) {
        Objects.checkFromIndexSize(offset, packet.size(), out.length);
        putU16(out, offset + HRD, ATM);
        putU16(out, offset + PRO, packet.protocolType());
        out[offset + SHTL] = (byte) packet.senderAtmNumber().typeAndLength();
        out[offset + SSTL] = (byte) packet.senderAtmSubaddress().typeAndLength();
        putU16(out, offset + OP, packet.opcode().value());
        out[offset + SPLN] = (byte) packet.senderProtocol().length();
        out[offset + THTL] = (byte) packet.targetAtmNumber().typeAndLength();
        out[offset + TSTL] = (byte) packet.targetAtmSubaddress().typeAndLength();
        out[offset + TPLN] = (byte) packet.targetProtocol().length();
        int p = offset + HEADER;
        p = put(packet.senderAtmNumber().value(), out, p);
        p = put(packet.senderAtmSubaddress().value(), out, p);
        packet.senderProtocol().copyTo(out, p);
        p += packet.senderProtocol().length();
        p = put(packet.targetAtmNumber().value(), out, p);
        p = put(packet.targetAtmSubaddress().value(), out, p);
        packet.targetProtocol().copyTo(out, p);
        return packet.size();
    }

    private static int put(HardwareAddress a, byte[] out, int p) {
        a.copyTo(out, p);
        return p + a.length();
    }

    private static String hex(int b) {
        return String.format("0x%02x", b);
    }
}
