package org.uarpd.wire.nd;

import static org.uarpd.wire.nd.NdLayout.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.MalformedFrameException;

/**
 * Encodes and decodes {@link NdPacket} values: whole IPv6 packets (the payload of an EtherType
 * 0x86DD frame) carrying an NS or NA. Validation is shared with {@link NdView}: both reject the same
 * bytes with the same error.
 *
 * <p>{@link #decode} answers one of three ways: a packet; empty for a well-formed IPv6 packet that
 * is not an NS or NA (another next header, extension headers included, or another ICMPv6 type),
 * which a receiver counts and drops; or {@link MalformedFrameException} for a broken one (see
 * {@link NdLayout#check}: truncation, option length 0 or overrunning, wrong checksum). The receive
 * rules of RFC 4861 §7.1 that are about meaning rather than form (hop limit 255, code 0, …) are
 * checked apart, by {@link NdValidation}.
 */
public final class NdCodec {
    private NdCodec() {}

    /** Decodes the IPv6 packet at the start of {@code buf[offset, offset+length)}; bytes after its payload are ignored. */
    public static Optional<NdPacket> decode(byte[] buf, int offset, int length) throws MalformedFrameException {
        List<NdOption> options = new ArrayList<>();
        int icmpLength = check(buf, offset, length,
                (type, at, n) -> options.add(NdOption.of(type, Arrays.copyOfRange(buf, at, at + n))));
        if (icmpLength == NOT_ND) return Optional.empty();
        int icmp = offset + IP6_HEADER;
        return Optional.of(new NdPacket(trafficClass(buf, offset), flowLabel(buf, offset), buf[offset + HOP_LIMIT] & 0xFF,
                Ip6Address.of(buf, offset + SOURCE), Ip6Address.of(buf, offset + DESTINATION),
                IcmpV6Type.valueOf(buf[icmp + TYPE] & 0xFF), buf[icmp + CODE] & 0xFF, s32(buf, icmp + FLAGS),
                Ip6Address.of(buf, icmp + TARGET), options));
    }

    public static Optional<NdPacket> decode(byte[] buf) throws MalformedFrameException {
        return decode(buf, 0, buf.length);
    }

    /**
     * The ICMPv6 checksum {@code packet} is sent with; for a decoded packet, the one it arrived with
     * (decoding rejects any other).
     */
    public static int checksum(NdPacket packet) {
        return u16(encode(packet), IP6_HEADER + CHECKSUM);
    }

    public static byte[] encode(NdPacket packet) {
        byte[] out = new byte[packet.size()];
        encode(packet, out, 0);
        return out;
    }

    /** Writes the packet, checksum computed, at {@code out[offset]}; returns the number of bytes written. */
    public static int encode(NdPacket packet, byte[] out, int offset) {
        int size = packet.size();
        Objects.checkFromIndexSize(offset, size, out.length);
        int icmpLength = size - IP6_HEADER;
        writeIp6Header(out, offset, packet.trafficClass(), packet.flowLabel(), icmpLength, packet.hopLimit());
        packet.source().copyTo(out, offset + SOURCE);
        packet.destination().copyTo(out, offset + DESTINATION);
        int icmp = offset + IP6_HEADER;
        out[icmp + TYPE] = (byte) packet.type().value();
        out[icmp + CODE] = (byte) packet.code();
        putS32(out, icmp + FLAGS, packet.flags());
        packet.target().copyTo(out, icmp + TARGET);
        int p = icmp + OPTIONS;
        for (NdOption o : packet.options()) {
            out[p] = (byte) o.type().value();
            out[p + 1] = (byte) o.units();
            o.copyBodyTo(out, p + 2);
            p += o.size();
        }
        putChecksum(out, offset, icmpLength);
        return size;
    }
}
