package org.uarpd.wire.nd;

/**
 * Neighbour discovery option type (RFC 4861 §4.6): an open enum. Unknown types are kept and
 * skipped, as RFC 4861 §4.6 asks ("Receivers MUST silently ignore any options they do not
 * recognize"), and printed as {@code opt#N}.
 */
public record NdOptionType(int value, String name) {
    public static final NdOptionType SOURCE_LINK_LAYER = new NdOptionType(1, "sll");
    public static final NdOptionType TARGET_LINK_LAYER = new NdOptionType(2, "tll");
    public static final NdOptionType PREFIX_INFORMATION = new NdOptionType(3, "prefix-info");
    public static final NdOptionType REDIRECTED_HEADER = new NdOptionType(4, "redirected-header");
    public static final NdOptionType MTU = new NdOptionType(5, "mtu");
    /** RFC 3971 §5.3.2, used without SEND by Enhanced DAD (RFC 7527 §4.1). */
    public static final NdOptionType NONCE = new NdOptionType(14, "nonce");
    public static final NdOptionType RDNSS = new NdOptionType(25, "rdnss");
    public static final NdOptionType DNSSL = new NdOptionType(31, "dnssl");

    private static final NdOptionType[] KNOWN = {
        SOURCE_LINK_LAYER, TARGET_LINK_LAYER, PREFIX_INFORMATION, REDIRECTED_HEADER, MTU, NONCE, RDNSS, DNSSL
    };

    public NdOptionType {
        if (value < 0 || value > 0xFF) throw new IllegalArgumentException("ND option type out of 8-bit range: " + value);
    }

    public static NdOptionType valueOf(int value) {
        for (NdOptionType t : KNOWN) {
            if (t.value == value) return t;
        }
        return new NdOptionType(value, null);
    }

    public boolean isKnown() {
        return name != null;
    }

    @Override
    public String toString() {
        return name != null ? name : "opt#" + value;
    }
}
