package org.uarpd.wire;

/** The EtherType values uarpd deals in: as frame protocols and as ARP's {@code ar_pro}. */
public final class EtherType {
    public static final int IPV4 = 0x0800;
    public static final int ARP = 0x0806;
    public static final int RARP = 0x8035;
    /** IPv6 (RFC 2464 §3), which carries neighbour discovery. */
    public static final int IPV6 = 0x86DD;

    private EtherType() {}

    /** True for the protocols uarpd handles: ARP and RARP. */
    public static boolean isArpFamily(int etherType) {
        return etherType == ARP || etherType == RARP;
    }
}
