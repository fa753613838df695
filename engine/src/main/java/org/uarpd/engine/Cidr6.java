package org.uarpd.engine;

import org.uarpd.wire.Ip6Address;

/** An IPv6 prefix {@code network/prefixLength}; host bits of {@code network} must be zero. */
public record Cidr6(Ip6Address network, int prefixLength) {
    public Cidr6 {
        java.util.Objects.requireNonNull(network, "network");
        if (prefixLength < 0 || prefixLength > 128) {
            throw new IllegalArgumentException("IPv6 prefix length must be 0..128, got " + prefixLength);
        }
        if ((network.high() & ~maskHigh(prefixLength)) != 0 || (network.low() & ~maskLow(prefixLength)) != 0) {
            throw new IllegalArgumentException("host bits set in " + network + "/" + prefixLength);
        }
    }

    /** Parses {@code 2001:db8::/64} or a single address (as /128). */
    public static Cidr6 parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) return new Cidr6(Ip6Address.parse(text), 128);
        return new Cidr6(Ip6Address.parse(text.substring(0, slash)), Cidr.prefixAfter(text, slash));
    }

    public boolean contains(long high, long low) {
        return (high & maskHigh(prefixLength)) == network.high() && (low & maskLow(prefixLength)) == network.low();
    }

    public boolean contains(Ip6Address a) {
        return contains(a.high(), a.low());
    }

    /** Whether all of {@code inner} lies inside this prefix (as a published range's exclusion must). */
    public boolean covers(Cidr6 inner) {
        return contains(inner.network) && inner.prefixLength >= prefixLength;
    }

    static long maskHigh(int prefix) {
        return prefix == 0 ? 0 : prefix >= 64 ? -1L : -1L << (64 - prefix);
    }

    static long maskLow(int prefix) {
        return prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
    }

    @Override
    public String toString() {
        return network + "/" + prefixLength;
    }
}
