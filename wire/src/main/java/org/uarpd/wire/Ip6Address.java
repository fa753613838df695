package org.uarpd.wire;

/**
 * An IPv6 address as a value: its two 64-bit halves in network order, so it compares, hashes and
 * keys tables without a byte array. Text is the RFC 5952 canonical form ({@link Ip6#format}).
 */
public record Ip6Address(long high, long low) {
    /** {@code ::} (RFC 4291 §2.5.2), the source of a DAD probe. */
    public static final Ip6Address UNSPECIFIED = new Ip6Address(0, 0);
    /** {@code ff02::1}, all nodes on the link (RFC 4291 §2.7.1), where unsolicited NAs go. */
    public static final Ip6Address ALL_NODES = parse("ff02::1");

    public static Ip6Address parse(String text) {
        return of(Ip6.parse(text), 0);
    }

    public static Ip6Address of(byte[] b, int off) {
        return new Ip6Address(Ip6.high(b, off), Ip6.low(b, off));
    }

    public static Ip6Address of(byte[] b) {
        if (b.length != Ip6.LENGTH) throw new IllegalArgumentException("an IPv6 address has 16 bytes, not " + b.length);
        return of(b, 0);
    }

    public void copyTo(byte[] b, int off) {
        Ip6.write(b, off, high, low);
    }

    public byte[] toBytes() {
        byte[] b = new byte[Ip6.LENGTH];
        copyTo(b, 0);
        return b;
    }

    public boolean isMulticast() {
        return (high >>> 56) == 0xFF;
    }

    public boolean isUnspecified() {
        return high == 0 && low == 0;
    }

    public boolean isLinkLocal() {
        return isLinkLocal(high);
    }

    /** Whether an address whose upper 64 bits are {@code high} is in fe80::/10 (RFC 4291 §2.5.6). */
    public static boolean isLinkLocal(long high) {
        return (high >>> 54) == (0xFE80L >>> 6);
    }

    /** This address's solicited-node multicast group (RFC 4291 §2.7.1), where its NS are sent. */
    public Ip6Address solicitedNode() {
        return new Ip6Address(0xFF02_0000_0000_0000L, 0x0000_0001_FF00_0000L | (low & 0xFF_FFFFL));
    }

    /** The Ethernet group address of this multicast address, 33:33 + its last 32 bits (RFC 2464 §7). */
    public HardwareAddress multicastMac() {
        if (!isMulticast()) throw new IllegalStateException(this + " is not a multicast address");
        byte[] mac = new byte[6];
        Ip6.writeMulticastMac(toBytes(), 0, mac, 0);
        return HardwareAddress.of(mac);
    }

    @Override
    public String toString() {
        return Ip6.format(toBytes(), 0);
    }
}
