package org.uarpd.daemon.syntax;

import org.uarpd.engine.Cidr;
import org.uarpd.engine.Cidr6;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.Ip6Address;

/** IPv4 and IPv6 addresses, CIDR ranges and Ethernet addresses as text: the one reading for every place that takes them. */
public final class Addresses {
    private Addresses() {}

    /** A dotted quad, as an int in network order. */
    public static int ip4(String text) {
        try {
            return Ip4.parse(text.strip());
        } catch (IllegalArgumentException e) {
            throw new SyntaxException(text, "an IPv4 address", "dotted quad like", "192.0.2.7");
        }
    }

    /** A range {@code NETWORK/LENGTH}; a bare address is the range of that one address (/32). */
    public static Cidr cidr(String text) {
        String t = text.strip();
        try {
            return Cidr.parse(t.contains("/") ? t : t + "/32");
        } catch (IllegalArgumentException e) {
            throw new SyntaxException(text, "an address range", "CIDR like", "198.51.100.0/24", e.getMessage());
        }
    }

    /** Whether {@code text} is written as an IPv6 address or prefix (RFC 4291 §2.2: it has colons; IPv4 has none). */
    public static boolean isIpv6(String text) {
        return text.indexOf(':') >= 0;
    }

    /** An IPv6 address in any RFC 4291 §2.2 form. */
    public static Ip6Address ip6(String text) {
        try {
            return Ip6Address.parse(text.strip());
        } catch (IllegalArgumentException e) {
            throw new SyntaxException(text, "an IPv6 address", "address like", "2001:db8::7");
        }
    }

    /** A prefix {@code NETWORK/LENGTH}; a bare address is the prefix of that one address (/128). */
    public static Cidr6 cidr6(String text) {
        try {
            return Cidr6.parse(text.strip());
        } catch (IllegalArgumentException e) {
            throw new SyntaxException(text, "an IPv6 prefix", "prefix like", "2001:db8:1::/64", e.getMessage());
        }
    }

    /** Six bytes in hex, as Ethernet (the only link the daemon runs on) has them. */
    public static HardwareAddress ethernet(String text) {
        try {
            HardwareAddress hw = HardwareAddress.parse(text.strip());
            if (hw.length() == 6) return hw;
        } catch (IllegalArgumentException e) {
            // the same answer as a wrong length, below
        }
        throw new SyntaxException(text, "an Ethernet address", "six hex bytes like", "02:00:5e:00:53:01");
    }

    /** {@code IP=VALUE} as the command line writes a per-address setting; the two halves, stripped. */
    public static String[] assignment(String text, String expected) {
        int eq = text.indexOf('=');
        if (eq < 0) throw new IllegalArgumentException("expected " + expected);
        return new String[] {text.substring(0, eq).strip(), text.substring(eq + 1).strip()};
    }
}
