package org.uarpd.engine;

import org.uarpd.wire.Ip4;

/** An IPv4 prefix {@code network/prefixLength}; host bits of {@code network} must be zero. */
public record Cidr(int network, int prefixLength) {
    public Cidr {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length must be 0..32, got " + prefixLength);
        }
        if ((network & ~Ip4.mask(prefixLength)) != 0) {
            throw new IllegalArgumentException("host bits set in " + Ip4.format(network) + "/" + prefixLength);
        }
    }

    /** Parses {@code a.b.c.d/n} or a single {@code a.b.c.d} (as /32). */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) return new Cidr(Ip4.parse(text), 32);
        return new Cidr(Ip4.parse(text.substring(0, slash)), prefixAfter(text, slash));
    }

    /** The prefix length after the {@code /} at {@code slash} in {@code text} (IPv4 or IPv6). */
    static int prefixAfter(String text, int slash) {
        try {
            return Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a prefix length in '" + text + "'");
        }
    }

    public boolean contains(int address) {
        return (address & Ip4.mask(prefixLength)) == network;
    }

    /** Whether all of {@code inner} lies inside this prefix (as a published range's exclusion must). */
    public boolean covers(Cidr inner) {
        return contains(inner.network) && inner.prefixLength >= prefixLength;
    }

    @Override
    public String toString() {
        return Ip4.format(network) + "/" + prefixLength;
    }
}
