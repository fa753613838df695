package org.uarpd.wire.nd;

import java.util.Objects;
import org.uarpd.wire.Ip6;
import org.uarpd.wire.MalformedFrameException;

/**
 * Where the fields of an IPv6 packet carrying a neighbour solicitation or advertisement lie, the one
 * check that a buffer holds a whole, well-formed one, and the ICMPv6 checksum. {@link NdCodec}
 * (record path) and {@link NdView} (zero-copy path) both go through {@link #check}, so they accept
 * and reject the same bytes with the same errors.
 *
 * <pre>
 *  IPv6 (RFC 8200 §3)        0 ver/tc/flow | 4 payload length | 6 next header | 7 hop limit | 8 source | 24 destination
 *  NS/NA (RFC 4861 §4.3/4.4) 40 type | 41 code | 42 checksum | 44 flags/reserved | 48 target | 64 options…
 * </pre>
 */
final class NdLayout {
    static final int IP6_HEADER = 40;
    static final int PAYLOAD_LENGTH = 4;
    static final int NEXT_HEADER = 6;
    static final int HOP_LIMIT = 7;
    static final int SOURCE = 8;
    static final int DESTINATION = 24;
    /** IANA protocol number of ICMPv6 (RFC 4443). */
    static final int ICMPV6 = 58;
    /** Offsets inside the ICMPv6 message. */
    static final int TYPE = 0;
    static final int CODE = 1;
    static final int CHECKSUM = 2;
    static final int FLAGS = 4;
    static final int TARGET = 8;
    /** Fixed part of an NS or NA; options follow (RFC 4861 §7.1.1: ICMP length is 24 or more). */
    static final int OPTIONS = 24;
    /** {@link #check}'s answer for a well-formed IPv6 packet that is not an NS or NA. */
    static final int NOT_ND = -1;

    /** Told about each option as {@link #check} walks them (type, where its body starts, body length). */
    interface OptionSink {
        void option(int type, int bodyOffset, int bodyLength);
    }

    private NdLayout() {}

    /**
     * Checks the IPv6 packet at the start of {@code buf[off, off+len)} and returns the length of its
     * ICMPv6 neighbour message, or {@link #NOT_ND} when the packet is well formed as far as read but
     * carries something else: a next header other than ICMPv6 (extension headers included), or
     * another ICMPv6 type. Bytes after the IPv6 payload (link padding) are ignored. {@code sink}, if
     * not null, hears of every option before the checksum is verified.
     *
     * @throws MalformedFrameException IPv6 header truncated or not version 6; payload length past the
     *     buffer; ICMPv6 header or NS/NA body truncated; an option of length 0 (RFC 4861 §4.6) or
     *     running past the message; a wrong checksum (RFC 4443 §2.3)
     */
    static int check(byte[] buf, int off, int len, OptionSink sink) throws MalformedFrameException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len < IP6_HEADER) {
            throw new MalformedFrameException("IPv6 header truncated: " + len + " of " + IP6_HEADER + " bytes", off);
        }
        int version = (buf[off] & 0xFF) >>> 4;
        if (version != 6) throw new MalformedFrameException("IP version " + version + " in an IPv6 frame", off);
        int payload = u16(buf, off + PAYLOAD_LENGTH);
        if (payload > len - IP6_HEADER) {
            throw new MalformedFrameException("IPv6 payload length " + payload + " overruns the " + (len - IP6_HEADER)
                    + " bytes after the header", off + PAYLOAD_LENGTH);
        }
        if ((buf[off + NEXT_HEADER] & 0xFF) != ICMPV6) return NOT_ND;
        int icmp = off + IP6_HEADER;
        if (payload < 4) throw new MalformedFrameException("ICMPv6 header truncated: " + payload + " of 4 bytes", icmp);
        if (!IcmpV6Type.isNeighborMessage(buf[icmp + TYPE] & 0xFF)) return NOT_ND;
        if (payload < OPTIONS) {
            throw new MalformedFrameException("ICMPv6 " + IcmpV6Type.valueOf(buf[icmp + TYPE] & 0xFF) + " truncated: " + payload
                    + " of " + OPTIONS + " bytes (RFC 4861 §7.1)", icmp);
        }
        for (int p = OPTIONS; p < payload; ) {
            if (payload - p < 2) throw new MalformedFrameException("ND option header truncated: 1 of 2 bytes", icmp + p);
            int type = buf[icmp + p] & 0xFF;
            int units = buf[icmp + p + 1] & 0xFF;
            if (units == 0) {
                throw new MalformedFrameException("ND option " + NdOptionType.valueOf(type) + " has length 0 (RFC 4861 §4.6)", icmp + p + 1);
            }
            if (units * 8 > payload - p) {
                throw new MalformedFrameException("ND option " + NdOptionType.valueOf(type) + " needs " + units * 8 + " bytes, only "
                        + (payload - p) + " left", icmp + p + 1);
            }
            if (sink != null) sink.option(type, icmp + p + 2, units * 8 - 2);
            p += units * 8;
        }
        int stored = u16(buf, icmp + CHECKSUM);
        int expected = checksum(buf, off, payload);
        if (stored != expected) {
            throw new MalformedFrameException(String.format("ICMPv6 checksum 0x%04x is wrong (0x%04x expected)", stored, expected), icmp + CHECKSUM);
        }
        return payload;
    }

    /**
     * The ICMPv6 checksum of the {@code icmpLength}-byte message after the IPv6 header at
     * {@code buf[off]}: the one's complement of the one's-complement sum over the pseudo-header of
     * RFC 8200 §8.1 (source, destination, upper-layer length, next header 58) and the message with
     * its checksum field taken as zero (RFC 4443 §2.3).
     */
    static int checksum(byte[] buf, int off, int icmpLength) {
        return Ip6.checksum(buf, off, ICMPV6, icmpLength, CHECKSUM);
    }

    /** Writes the checksum of the message after the IPv6 header at {@code buf[off]}. */
    static void putChecksum(byte[] buf, int off, int icmpLength) {
        putU16(buf, off + IP6_HEADER + CHECKSUM, checksum(buf, off, icmpLength));
    }

    /** Writes an IPv6 header for an ICMPv6 message of {@code icmpLength} bytes; addresses are left to the caller. */
    static void writeIp6Header(byte[] buf, int off, int trafficClass, int flowLabel, int icmpLength, int hopLimit) {
        int word = (6 << 28) | (trafficClass << 20) | flowLabel;
        buf[off] = (byte) (word >>> 24);
        buf[off + 1] = (byte) (word >>> 16);
        putU16(buf, off + 2, word & 0xFFFF);
        putU16(buf, off + PAYLOAD_LENGTH, icmpLength);
        buf[off + NEXT_HEADER] = (byte) ICMPV6;
        buf[off + HOP_LIMIT] = (byte) hopLimit;
    }

    static int trafficClass(byte[] buf, int off) {
        return (u16(buf, off) >>> 4) & 0xFF;
    }

    static int flowLabel(byte[] buf, int off) {
        return ((buf[off + 1] & 0x0F) << 16) | u16(buf, off + 2);
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    static int s32(byte[] b, int off) {
        return (u16(b, off) << 16) | u16(b, off + 2);
    }

    static void putU16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static void putS32(byte[] b, int off, int v) {
        putU16(b, off, v >>> 16);
        putU16(b, off + 2, v);
    }
}
