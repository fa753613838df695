package org.uarpd.wire.nd;

/**
 * A receive rule of RFC 4861 §7.1.1 (solicitations) or §7.1.2 (advertisements) that a well-formed
 * NS or NA breaks. A receiver MUST silently discard such a packet; {@link NdValidation} finds them.
 * The rules about form (ICMP length ≥ 24, option lengths > 0, a valid checksum) are decode errors
 * instead ({@link NdCodec}).
 */
public enum NdViolation {
    HOP_LIMIT_NOT_255("IP hop limit is not 255: the packet may come from off-link (RFC 4861 §7.1)"),
    CODE_NOT_ZERO("ICMP code is not 0 (RFC 4861 §7.1)"),
    TARGET_MULTICAST("target address is multicast (RFC 4861 §7.1)"),
    DAD_NOT_TO_SOLICITED_NODE("solicitation from :: is not sent to a solicited-node multicast address (RFC 4861 §7.1.1)"),
    DAD_WITH_SOURCE_LINK_LAYER("solicitation from :: carries a source link-layer address option (RFC 4861 §7.1.1)"),
    SOLICITED_TO_MULTICAST("advertisement to a multicast destination has the Solicited flag set (RFC 4861 §7.1.2)");

    private final String reason;

    NdViolation(String reason) {
        this.reason = reason;
    }

    /** What is wrong, with the rule it breaks. */
    public String reason() {
        return reason;
    }
}
