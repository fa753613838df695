package org.uarpd.engine;

import java.util.Arrays;

/**
 * The host's IPv6 unicast routes as far as proxy neighbour discovery needs them: which interface the
 * route to an address leaves by (longest prefix first, then the lowest metric, as the kernel's
 * lookup in its main table chooses). Fed by {@link Input.RouteChanged6}; asked once per solicitation
 * of a {@link NdPublished.When#ROUTE} entry.
 *
 * <p>One open-addressing hash of (prefix, length) → routes, and the list of lengths present: a lookup
 * masks the target once per length in use (a handful on real hosts, at most 129) and probes the hash,
 * so its cost does not grow with the number of routes. Routes of one prefix are keyed by metric, as
 * the kernel keys them (a replace with the same metric changes the interface).
 */
final class Routes6 {
    /** More routes than this are refused (a full Internet table is about a quarter of it). */
    static final int MAX_ROUTES = 1 << 20;

    private long[] high = new long[16];
    private long[] low = new long[16];
    /** Prefix length + 1; 0 marks an empty slot. */
    private byte[] length = new byte[16];
    /** Per slot: each route as metric (high 32 bits) | interface index (low 32 bits). */
    private long[][] routes = new long[16][];
    private int prefixes;
    private int count;
    private final int[] perLength = new int[129];
    /** Lengths with at least one prefix, longest first. */
    private int[] lengths = new int[0];

    int size() {
        return count;
    }

    /** Adds or replaces the route to {@code prefix} with {@code metric}; false when the table is full. */
    boolean add(Cidr6 prefix, int link, int metric) {
        long h = prefix.network().high();
        long l = prefix.network().low();
        int len = prefix.prefixLength();
        int i = find(h, l, len);
        long route = (long) metric << 32 | (link & 0xFFFF_FFFFL);
        if (i >= 0) {
            long[] r = routes[i];
            for (int k = 0; k < r.length; k++) {
                if ((int) (r[k] >>> 32) == metric) {
                    r[k] = route;
                    return true;
                }
            }
            if (count >= MAX_ROUTES) return false;
            r = Arrays.copyOf(r, r.length + 1);
            r[r.length - 1] = route;
            routes[i] = r;
            count++;
            return true;
        }
        if (count >= MAX_ROUTES) return false;
        if ((prefixes + 1) * 2 > high.length) grow();
        put(h, l, len, new long[] {route});
        prefixes++;
        count++;
        if (perLength[len]++ == 0) relist();
        return true;
    }

    /** Removes the route to {@code prefix} with {@code metric}, if there is one. */
    void remove(Cidr6 prefix, int metric) {
        long h = prefix.network().high();
        long l = prefix.network().low();
        int len = prefix.prefixLength();
        int i = find(h, l, len);
        if (i < 0) return;
        long[] r = routes[i];
        for (int k = 0; k < r.length; k++) {
            if ((int) (r[k] >>> 32) != metric) continue;
            count--;
            if (r.length == 1) {
                delete(i);
                prefixes--;
                if (--perLength[len] == 0) relist();
            } else {
                long[] next = new long[r.length - 1];
                System.arraycopy(r, 0, next, 0, k);
                System.arraycopy(r, k + 1, next, k, r.length - k - 1);
                routes[i] = next;
            }
            return;
        }
    }

    void clear() {
        Arrays.fill(length, (byte) 0);
        Arrays.fill(routes, null);
        Arrays.fill(perLength, 0);
        lengths = new int[0];
        prefixes = 0;
        count = 0;
    }

    /** The interface the route to ({@code h}, {@code l}) leaves by, or 0 when no route covers it. */
    int linkFor(long h, long l) {
        for (int len : lengths) {
            int i = find(h & Cidr6.maskHigh(len), l & Cidr6.maskLow(len), len);
            if (i < 0) continue;
            long[] r = routes[i];
            long best = r[0];
            for (int k = 1; k < r.length; k++) {
                if (Long.compareUnsigned(r[k] >>> 32, best >>> 32) < 0) best = r[k];
            }
            return (int) best;
        }
        return 0;
    }

    private void relist() {
        int n = 0;
        for (int len = 128; len >= 0; len--) if (perLength[len] > 0) n++;
        int[] out = new int[n];
        n = 0;
        for (int len = 128; len >= 0; len--) if (perLength[len] > 0) out[n++] = len;
        lengths = out;
    }

    // -- the hash: linear probing, backward-shift deletion ----------------------------------------

    private static int home(long h, long l, int len, int mask) {
        long x = (h * 0x9E37_79B9_7F4A_7C15L) ^ (l * 0xC2B2_AE3D_27D4_EB4FL) ^ len;
        return (int) (x ^ (x >>> 29)) & mask;
    }

    private int find(long h, long l, int len) {
        int mask = high.length - 1;
        byte tag = (byte) (len + 1);
        for (int i = home(h, l, len, mask); length[i] != 0; i = (i + 1) & mask) {
            if (length[i] == tag && high[i] == h && low[i] == l) return i;
        }
        return -1;
    }

    private void put(long h, long l, int len, long[] r) {
        int mask = high.length - 1;
        int i = home(h, l, len, mask);
        while (length[i] != 0) i = (i + 1) & mask;
        high[i] = h;
        low[i] = l;
        length[i] = (byte) (len + 1);
        routes[i] = r;
    }

    private void grow() {
        long[] oh = high;
        long[] ol = low;
        byte[] olen = length;
        long[][] or = routes;
        high = new long[oh.length * 2];
        low = new long[oh.length * 2];
        length = new byte[oh.length * 2];
        routes = new long[oh.length * 2][];
        for (int i = 0; i < oh.length; i++) {
            if (olen[i] != 0) put(oh[i], ol[i], (olen[i] & 0xFF) - 1, or[i]);
        }
    }

    private void delete(int hole) {
        int mask = high.length - 1;
        length[hole] = 0;
        routes[hole] = null;
        for (int i = (hole + 1) & mask; length[i] != 0; i = (i + 1) & mask) {
            int h = home(high[i], low[i], (length[i] & 0xFF) - 1, mask);
            if (((i - h) & mask) >= ((i - hole) & mask)) {
                high[hole] = high[i];
                low[hole] = low[i];
                length[hole] = length[i];
                routes[hole] = routes[i];
                length[i] = 0;
                routes[i] = null;
                hole = i;
            }
        }
    }
}
