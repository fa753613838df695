package org.uarpd.wire;

/** IPv4 addresses as {@code int} in network order value (a.b.c.d = a&lt;&lt;24|…), the engine's currency. */
public final class Ip4 {
    private Ip4() {}

    public static int parse(String dotted) {
        String[] p = dotted.split("\\.", -1);
        if (p.length != 4) throw new IllegalArgumentException("not an IPv4 address: '" + dotted + "'");
        int v = 0;
        for (String s : p) {
            int o;
            try {
                o = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address: '" + dotted + "'");
            }
            if (o < 0 || o > 255 || s.isEmpty() || s.length() > 3) {
                throw new IllegalArgumentException("not an IPv4 address: '" + dotted + "'");
            }
            v = (v << 8) | o;
        }
        return v;
    }

    public static String format(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF);
    }

    public static int read(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    public static void write(byte[] b, int off, int a) {
        b[off] = (byte) (a >>> 24);
        b[off + 1] = (byte) (a >>> 16);
        b[off + 2] = (byte) (a >>> 8);
        b[off + 3] = (byte) a;
    }

    public static byte[] toBytes(int a) {
        byte[] b = new byte[4];
        write(b, 0, a);
        return b;
    }

    /** Netmask for a prefix length 0..32. */
    public static int mask(int prefixLength) {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }
}
