package org.uarpd.wire;

/**
 * IPv6 addresses as 16 bytes in network order: text in and out (RFC 4291 §2.2 forms read, the
 * RFC 5952 canonical form written), the address classes neighbour discovery cares about, and the
 * two multicast mappings it needs. Everything works on a caller's buffer at an offset so the packet
 * path can use it without allocating; {@link Ip6Address} is the value form for tables and records.
 */
public final class Ip6 {
    public static final int LENGTH = 16;

    private Ip6() {}

    /**
     * Parses any RFC 4291 §2.2 text form: eight groups of up to four hex digits, one {@code ::} for a
     * run of zero groups, and an embedded dotted IPv4 address in the last 32 bits. No zone, no prefix.
     */
    public static byte[] parse(String text) {
        String s = text;
        byte[] out = new byte[LENGTH];
        int dotted = s.indexOf('.');
        int tailBytes = 0;
        if (dotted >= 0) {
            int colon = s.lastIndexOf(':');
            if (colon < 0) throw bad(text);
            int v4;
            try {
                v4 = Ip4.parse(s.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw bad(text);
            }
            Ip4.write(out, 12, v4);
            tailBytes = 4;
            // Keep a "::" that ends right before the dotted part; otherwise drop the separating colon.
            s = s.substring(0, colon + 1);
            if (!s.endsWith("::")) s = s.substring(0, s.length() - 1);
        }
        int groups = (LENGTH - tailBytes) / 2;
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) throw bad(text);
        String head = gap >= 0 ? s.substring(0, gap) : s;
        String tail = gap >= 0 ? s.substring(gap + 2) : "";
        int[] h = groups(head, text);
        int[] t = groups(tail, text);
        if (gap < 0 ? h.length != groups : h.length + t.length >= groups) throw bad(text);
        for (int i = 0; i < h.length; i++) putGroup(out, i, h[i]);
        for (int i = 0; i < t.length; i++) putGroup(out, groups - t.length + i, t[i]);
        return out;
    }

    private static int[] groups(String part, String text) {
        if (part.isEmpty()) return new int[0];
        String[] g = part.split(":", -1);
        int[] out = new int[g.length];
        for (int i = 0; i < g.length; i++) {
            String x = g[i];
            if (x.isEmpty() || x.length() > 4) throw bad(text);
            try {
                out[i] = Integer.parseInt(x, 16);
            } catch (NumberFormatException e) {
                throw bad(text);
            }
            if (x.charAt(0) == '+' || x.charAt(0) == '-') throw bad(text);
        }
        return out;
    }

    private static void putGroup(byte[] b, int group, int v) {
        b[2 * group] = (byte) (v >>> 8);
        b[2 * group + 1] = (byte) v;
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("not an IPv6 address: '" + text + "'");
    }

    /**
     * The RFC 5952 §4 canonical text: lower-case hex without leading zeros, the longest run of two or
     * more zero groups (the first of equal runs) as {@code ::}, and IPv4-mapped addresses
     * ({@code ::ffff:0:0/96}) with a dotted tail (§5).
     */
    public static String format(byte[] b, int off) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = ((b[off + 2 * i] & 0xFF) << 8) | (b[off + 2 * i + 1] & 0xFF);
        boolean mapped = g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xFFFF;
        if (mapped) return "::ffff:" + Ip4.format(Ip4.read(b, off + 12));
        int bestAt = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) {
                bestAt = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestAt) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    public static String format(byte[] b) {
        return format(b, 0);
    }

    /** RFC 4291 §2.7: prefix ff00::/8. */
    public static boolean isMulticast(byte[] b, int off) {
        return b[off] == (byte) 0xFF;
    }

    /** RFC 4291 §2.5.2: {@code ::}, the source of a DAD probe. */
    public static boolean isUnspecified(byte[] b, int off) {
        for (int i = 0; i < LENGTH; i++) if (b[off + i] != 0) return false;
        return true;
    }

    /** RFC 4291 §2.5.6: prefix fe80::/10. */
    public static boolean isLinkLocal(byte[] b, int off) {
        return b[off] == (byte) 0xFE && (b[off + 1] & 0xC0) == 0x80;
    }

    /** The first bytes of every solicited-node multicast address (RFC 4291 §2.7.1): ff02::1:ff00:0/104. */
    private static final byte[] SOLICITED_NODE_PREFIX = {(byte) 0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, (byte) 0xFF};

    /**
     * Writes the solicited-node multicast address of the unicast address at {@code b[off]} to
     * {@code out[outOff]}: ff02::1:ff followed by its low 24 bits (RFC 4291 §2.7.1).
     */
    public static void writeSolicitedNode(byte[] b, int off, byte[] out, int outOff) {
        System.arraycopy(b, off + 13, out, outOff + 13, 3);
        System.arraycopy(SOLICITED_NODE_PREFIX, 0, out, outOff, SOLICITED_NODE_PREFIX.length);
    }

    /** True when the address at {@code b[off]} is the solicited-node multicast address of the one at {@code target[tOff]}. */
    public static boolean isSolicitedNodeOf(byte[] b, int off, byte[] target, int tOff) {
        return java.util.Arrays.equals(b, off, off + 13, SOLICITED_NODE_PREFIX, 0, 13)
                && java.util.Arrays.equals(b, off + 13, off + 16, target, tOff + 13, tOff + 16);
    }

    /** True for any solicited-node multicast address (ff02::1:ff00:0/104). */
    public static boolean isSolicitedNode(byte[] b, int off) {
        return java.util.Arrays.equals(b, off, off + 13, SOLICITED_NODE_PREFIX, 0, 13);
    }

    /**
     * Writes the Ethernet destination for the IPv6 multicast address at {@code b[off]} to
     * {@code out[outOff]}: 33:33 and the address's last 32 bits (RFC 2464 §7).
     */
    public static void writeMulticastMac(byte[] b, int off, byte[] out, int outOff) {
        out[outOff] = 0x33;
        out[outOff + 1] = 0x33;
        System.arraycopy(b, off + 12, out, outOff + 2, 4);
    }

    /**
     * The upper-layer checksum of RFC 8200 §8.1 for the {@code length}-byte payload after the IPv6
     * header at {@code b[off]}: the one's complement of the one's-complement sum over the
     * pseudo-header (source, destination, upper-layer length, {@code nextHeader}) and the payload,
     * with the checksum field, {@code checksumAt} bytes into the payload, taken as zero (RFC 4443
     * §2.3 for ICMPv6, RFC 768 for UDP, which sends a result of 0 as 0xffff).
     */
    public static int checksum(byte[] b, int off, int nextHeader, int length, int checksumAt) {
        long sum = (length >>> 16) + (length & 0xFFFF) + nextHeader;
        for (int i = off + 8; i < off + 40; i += 2) sum += u16(b, i);
        int payload = off + 40;
        int end = payload + length;
        for (int i = payload; i + 1 < end; i += 2) {
            if (i != payload + checksumAt) sum += u16(b, i);
        }
        if ((length & 1) != 0) sum += (b[end - 1] & 0xFF) << 8;
        while ((sum >>> 16) != 0) sum = (sum & 0xFFFF) + (sum >>> 16);
        return (int) (~sum & 0xFFFF);
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    public static long high(byte[] b, int off) {
        return readLong(b, off);
    }

    public static long low(byte[] b, int off) {
        return readLong(b, off + 8);
    }

    private static long readLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (b[off + i] & 0xFF);
        return v;
    }

    /** Writes the address given as its two 64-bit halves (network order) at {@code b[off]}. */
    public static void write(byte[] b, int off, long high, long low) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) high;
            b[off + 8 + i] = (byte) low;
            high >>>= 8;
            low >>>= 8;
        }
    }
}
