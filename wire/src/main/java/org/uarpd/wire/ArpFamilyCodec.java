package org.uarpd.wire;

import java.util.Objects;

/**
 * The entry point for "some packet of the ARP family": looks at {@code ar_hrd} and reads the RFC
 * 2225 ATMARP layout for hardware type 19, the RFC 826 layout for anything else. {@link #decode}
 * ignores trailing bytes (link padding), {@link #decodeExact} reports them; see {@link ArpCodec}.
 */
public final class ArpFamilyCodec {
    private ArpFamilyCodec() {}

    public static ArpFamilyPacket decode(byte[] buf, int offset, int length) throws MalformedFrameException {
        return isAtmArp(buf, offset, length) ? AtmArpCodec.decode(buf, offset, length) : ArpCodec.decode(buf, offset, length);
    }

    public static ArpFamilyPacket decodeExact(byte[] buf, int offset, int length) throws MalformedFrameException {
        return isAtmArp(buf, offset, length)
                ? AtmArpCodec.decodeExact(buf, offset, length)
                : ArpCodec.decodeExact(buf, offset, length);
    }

    public static ArpFamilyPacket decode(byte[] buf) throws MalformedFrameException {
        return decode(buf, 0, buf.length);
    }

    /**
     * True when the bytes start with {@code ar_hrd} 19, so are to be read as ATMARP. A buffer too
     * short to hold {@code ar_hrd} is not ATMARP (the RFC 826 decoder then reports it truncated).
     */
    public static boolean isAtmArp(byte[] buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.length);
        return length >= 2 && ArpLayout.u16(buf, offset) == AtmArpLayout.ATM;
    }

    public static byte[] encode(ArpFamilyPacket packet) {
        return switch (packet) {
            case ArpPacket p -> ArpCodec.encode(p);
            case AtmArpPacket p -> AtmArpCodec.encode(p);
        };
    }

    /** Writes the packet at {@code out[offset]}; returns the number of bytes written. */
    public static int encode(ArpFamilyPacket packet, byte[] out, int offset) {
        return switch (packet) {
            case ArpPacket p -> ArpCodec.encode(p, out, offset);
            case AtmArpPacket p -> AtmArpCodec.encode(p, out, offset);
        };
    }
}
