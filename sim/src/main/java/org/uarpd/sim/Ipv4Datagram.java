package org.uarpd.sim;

import org.uarpd.wire.Ip4;

/**
 * The traffic simulated hosts send: a real IPv4/UDP datagram (so captures dissect) to the discard
 * port, whose 16-byte payload carries a packet number and the virtual send time.
 */
public final class Ipv4Datagram {
    static final int IP_HEADER = 20;
    static final int UDP_HEADER = 8;
    static final int PAYLOAD = 16;
    public static final int LENGTH = IP_HEADER + UDP_HEADER + PAYLOAD;
    static final int UDP = 17;
    static final int DISCARD_PORT = 9;

    private Ipv4Datagram() {}

    public static byte[] build(int source, int destination, long number, long sentAt) {
        byte[] d = new byte[LENGTH];
        d[0] = 0x45;
        put16(d, 2, LENGTH);
        put16(d, 4, (int) number);
        d[8] = 64;
        d[9] = UDP;
        Ip4.write(d, 12, source);
        Ip4.write(d, 16, destination);
        put16(d, 10, checksum(d));
        put16(d, 20, DISCARD_PORT);
        put16(d, 22, DISCARD_PORT);
        put16(d, 24, UDP_HEADER + PAYLOAD);
        // UDP checksum 0: none, allowed over IPv4 (RFC 768)
        putLong(d, 28, number);
        putLong(d, 36, sentAt);
        return d;
    }

    /** True when {@code d} holds a header this model can read. */
    public static boolean valid(byte[] d, int off, int len) {
        return len >= LENGTH && (d[off] & 0xFF) == 0x45;
    }

    public static int source(byte[] d, int off) { return Ip4.read(d, off + 12); }
    public static int destination(byte[] d, int off) { return Ip4.read(d, off + 16); }
    public static int ttl(byte[] d, int off) { return d[off + 8] & 0xFF; }
    public static long number(byte[] d, int off) { return getLong(d, off + 28); }
    public static long sentAt(byte[] d, int off) { return getLong(d, off + 36); }

    /** A copy with the TTL decremented and the header checksum recomputed (forwarding). */
    public static byte[] forwarded(byte[] d, int off) {
        byte[] copy = java.util.Arrays.copyOfRange(d, off, off + LENGTH);
        copy[8]--;
        put16(copy, 10, 0);
        put16(copy, 10, checksum(copy));
        return copy;
    }

    static int checksum(byte[] d) {
        int sum = 0;
        for (int i = 0; i < IP_HEADER; i += 2) sum += ((d[i] & 0xFF) << 8) | (d[i + 1] & 0xFF);
        while ((sum >>> 16) != 0) sum = (sum & 0xFFFF) + (sum >>> 16);
        return ~sum & 0xFFFF;
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (b[off + i] & 0xFF);
        return v;
    }
}
