package org.uarpd.wire;

/**
 * ARP operation code ({@code ar_op}): an open enum. Values from RFC 826 (1, 2), RFC 903 (RARP, 3 and
 * 4), RFC 2390 (InARP, 8 and 9) and RFC 2225 (ARP-NAK, 10); any other value is kept, not rejected.
 */
public record Opcode(int value, String name) {
    public static final Opcode REQUEST = new Opcode(1, "request");
    public static final Opcode REPLY = new Opcode(2, "reply");
    public static final Opcode RARP_REQUEST = new Opcode(3, "rarp-request");
    public static final Opcode RARP_REPLY = new Opcode(4, "rarp-reply");
    public static final Opcode INARP_REQUEST = new Opcode(8, "inarp-request");
    public static final Opcode INARP_REPLY = new Opcode(9, "inarp-reply");
    public static final Opcode NAK = new Opcode(10, "nak");

    private static final Opcode[] KNOWN = {
        REQUEST, REPLY, RARP_REQUEST, RARP_REPLY, INARP_REQUEST, INARP_REPLY, NAK
    };

    public Opcode {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException("opcode out of 16-bit range: " + value);
        }
    }

    public static Opcode valueOf(int value) {
        for (Opcode o : KNOWN) {
            if (o.value == value) return o;
        }
        return new Opcode(value, null);
    }

    public boolean isKnown() {
        return name != null;
    }

    @Override
    public String toString() {
        return name != null ? name : "op#" + value;
    }
}
