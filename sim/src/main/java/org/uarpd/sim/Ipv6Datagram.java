package org.uarpd.sim;

import org.uarpd.wire.Ip6;
import org.uarpd.wire.Ip6Address;

/**
 * The IPv6 traffic simulated hosts send: a real IPv6/UDP datagram (RFC 8200, with the UDP checksum
 * IPv6 makes mandatory, §8.1) to the discard port, whose 16-byte payload carries a packet number and
 * the virtual send time, as {@link Ipv4Datagram} does for IPv4.
 */
public final class Ipv6Datagram {
    static final int IP_HEADER = 40;
    public static final int LENGTH = IP_HEADER + Ipv4Datagram.UDP_HEADER + Ipv4Datagram.PAYLOAD;
    private static final int HOP_LIMIT = 64;
    private static final int UDP_CHECKSUM = 6;

    private Ipv6Datagram() {}

    public static byte[] build(Ip6Address source, Ip6Address destination, long number, long sentAt) {
        byte[] d = new byte[LENGTH];
        int udpLength = Ipv4Datagram.UDP_HEADER + Ipv4Datagram.PAYLOAD;
        d[0] = 0x60;
        Ipv4Datagram.put16(d, 4, udpLength);
        d[6] = Ipv4Datagram.UDP;
        d[7] = HOP_LIMIT;
        source.copyTo(d, 8);
        destination.copyTo(d, 24);
        Ipv4Datagram.put16(d, IP_HEADER, Ipv4Datagram.DISCARD_PORT);
        Ipv4Datagram.put16(d, IP_HEADER + 2, Ipv4Datagram.DISCARD_PORT);
        Ipv4Datagram.put16(d, IP_HEADER + 4, udpLength);
        Ipv4Datagram.putLong(d, IP_HEADER + 8, number);
        Ipv4Datagram.putLong(d, IP_HEADER + 16, sentAt);
        int sum = Ip6.checksum(d, 0, Ipv4Datagram.UDP, udpLength, UDP_CHECKSUM);
        Ipv4Datagram.put16(d, IP_HEADER + UDP_CHECKSUM, sum == 0 ? 0xFFFF : sum);
        return d;
    }

    /** True when {@code d} holds an IPv6 header and UDP datagram this model can read, checksum right. */
    public static boolean valid(byte[] d, int off, int len) {
        if (len < LENGTH || (d[off] & 0xF0) != 0x60 || d[off + 6] != Ipv4Datagram.UDP) return false;
        int sum = Ip6.checksum(d, off, Ipv4Datagram.UDP, LENGTH - IP_HEADER, UDP_CHECKSUM);
        int stored = ((d[off + IP_HEADER + UDP_CHECKSUM] & 0xFF) << 8) | (d[off + IP_HEADER + UDP_CHECKSUM + 1] & 0xFF);
        return stored == (sum == 0 ? 0xFFFF : sum);
    }

    public static Ip6Address source(byte[] d, int off) { return Ip6Address.of(d, off + 8); }
    public static Ip6Address destination(byte[] d, int off) { return Ip6Address.of(d, off + 24); }
    public static long number(byte[] d, int off) { return Ipv4Datagram.getLong(d, off + IP_HEADER + 8); }
    public static long sentAt(byte[] d, int off) { return Ipv4Datagram.getLong(d, off + IP_HEADER + 16); }
}
