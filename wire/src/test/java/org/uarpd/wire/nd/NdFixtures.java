package org.uarpd.wire.nd;

import java.util.HexFormat;

/**
 * Known-good ND packets built by scapy 2.5 (IPv6()/ICMPv6ND_NS()/ICMPv6NDOptSrcLLAddr() and the NA
 * counterparts), not by uarpd, with the checksums scapy computed: reference vectors for the codec.
 */
public final class NdFixtures {
    /** 2001:db8::1 (02:00:5e:00:00:01) asks ff02::1:ff00:2 who has 2001:db8::2; checksum 0xbe26. */
    static final String NS = "6000000000203aff20010db8000000000000000000000001ff0200000000000000000001ff000002"
            + "8700be2600000000" + "20010db8000000000000000000000002" + "010102005e000001";
    /** 2001:db8::2 tells 2001:db8::1 it is at 02:00:5e:00:00:02, Solicited and Override set; checksum 0x2c71. */
    static final String NA = "6000000000203aff20010db800000000000000000000000220010db8000000000000000000000001"
            + "88002c7160000000" + "20010db8000000000000000000000002" + "020102005e000002";
    /** Ethernet header for the NS: to 33:33:ff:00:00:02 (RFC 2464 §7), from 02:00:5e:00:00:01, EtherType 0x86dd. */
    static final String NS_ETHERNET = "3333ff000002" + "02005e000001" + "86dd";

    private NdFixtures() {}

    public static byte[] solicitation() {
        return HexFormat.of().parseHex(NS);
    }

    public static byte[] advertisement() {
        return HexFormat.of().parseHex(NA);
    }

    /** The NS in an Ethernet II frame, with {@code spare} zero bytes after it for an in-place answer. */
    public static byte[] solicitationFrame(int spare) {
        byte[] f = HexFormat.of().parseHex(NS_ETHERNET + NS);
        return java.util.Arrays.copyOf(f, f.length + spare);
    }
}
