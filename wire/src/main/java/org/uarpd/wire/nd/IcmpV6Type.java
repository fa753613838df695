package org.uarpd.wire.nd;

/**
 * ICMPv6 message type (RFC 4443 §2.1): an open enum. The error and echo types of RFC 4443 and the
 * five neighbour discovery messages of RFC 4861 §4 have names; any other value is kept as
 * {@code icmp6#N}, never rejected.
 */
public record IcmpV6Type(int value, String name) {
    public static final IcmpV6Type DESTINATION_UNREACHABLE = new IcmpV6Type(1, "destination-unreachable");
    public static final IcmpV6Type PACKET_TOO_BIG = new IcmpV6Type(2, "packet-too-big");
    public static final IcmpV6Type TIME_EXCEEDED = new IcmpV6Type(3, "time-exceeded");
    public static final IcmpV6Type PARAMETER_PROBLEM = new IcmpV6Type(4, "parameter-problem");
    public static final IcmpV6Type ECHO_REQUEST = new IcmpV6Type(128, "echo-request");
    public static final IcmpV6Type ECHO_REPLY = new IcmpV6Type(129, "echo-reply");
    public static final IcmpV6Type ROUTER_SOLICITATION = new IcmpV6Type(133, "router-solicitation");
    public static final IcmpV6Type ROUTER_ADVERTISEMENT = new IcmpV6Type(134, "router-advertisement");
    public static final IcmpV6Type NEIGHBOR_SOLICITATION = new IcmpV6Type(135, "neighbor-solicitation");
    public static final IcmpV6Type NEIGHBOR_ADVERTISEMENT = new IcmpV6Type(136, "neighbor-advertisement");
    public static final IcmpV6Type REDIRECT = new IcmpV6Type(137, "redirect");

    private static final IcmpV6Type[] KNOWN = {
        DESTINATION_UNREACHABLE, PACKET_TOO_BIG, TIME_EXCEEDED, PARAMETER_PROBLEM, ECHO_REQUEST, ECHO_REPLY,
        ROUTER_SOLICITATION, ROUTER_ADVERTISEMENT, NEIGHBOR_SOLICITATION, NEIGHBOR_ADVERTISEMENT, REDIRECT
    };

    public IcmpV6Type {
        if (value < 0 || value > 0xFF) throw new IllegalArgumentException("ICMPv6 type out of 8-bit range: " + value);
    }

    /** The named constant for a known value, else an unnamed instance that keeps the value. */
    public static IcmpV6Type valueOf(int value) {
        for (IcmpV6Type t : KNOWN) {
            if (t.value == value) return t;
        }
        return new IcmpV6Type(value, null);
    }

    public boolean isKnown() {
        return name != null;
    }

    /** True for the two messages this package decodes: neighbour solicitation and advertisement. */
    public static boolean isNeighborMessage(int value) {
        return value == NEIGHBOR_SOLICITATION.value || value == NEIGHBOR_ADVERTISEMENT.value;
    }

    @Override
    public String toString() {
        return name != null ? name : "icmp6#" + value;
    }
}
