package org.uarpd.wire;

/**
 * ARP hardware type ({@code ar_hrd}): an open enum. Every 16-bit value is valid; the well-known ones
 * have names, any other is kept and printed as {@code hw#N}, never rejected.
 */
public record HardwareType(int value, String name) {
    public static final HardwareType ETHERNET = new HardwareType(1, "ethernet");
    public static final HardwareType EXPERIMENTAL_ETHERNET = new HardwareType(2, "exp-ethernet");
    public static final HardwareType IEEE802 = new HardwareType(6, "ieee802");
    public static final HardwareType ARCNET = new HardwareType(7, "arcnet");
    public static final HardwareType FRAME_RELAY = new HardwareType(15, "frame-relay");
    public static final HardwareType ATM = new HardwareType(19, "atm");
    public static final HardwareType INFINIBAND = new HardwareType(32, "infiniband");

    private static final HardwareType[] KNOWN = {
        ETHERNET, EXPERIMENTAL_ETHERNET, IEEE802, ARCNET, FRAME_RELAY, ATM, INFINIBAND
    };

    public HardwareType {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException("hardware type out of 16-bit range: " + value);
        }
    }

    /** The named constant for a known value, else an unnamed instance that keeps the value. */
    public static HardwareType valueOf(int value) {
        for (HardwareType t : KNOWN) {
            if (t.value == value) return t;
        }
        return new HardwareType(value, null);
    }

    public boolean isKnown() {
        return name != null;
    }

    @Override
    public String toString() {
        return name != null ? name : "hw#" + value;
    }
}
