package org.uarpd.wire;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A protocol address of any length as carried in ARP's {@code ar_spa} / {@code ar_tpa}. Printed as a
 * dotted quad when it is 4 bytes long (IPv4), otherwise as colon-separated hex.
 */
public final class ProtocolAddress {
    public static final ProtocolAddress EMPTY = new ProtocolAddress(new byte[0]);

    private final byte[] bytes;

    private ProtocolAddress(byte[] owned) {
        this.bytes = owned;
    }

    public static ProtocolAddress of(byte... bytes) {
        return new ProtocolAddress(bytes.clone());
    }

    public static ProtocolAddress of(byte[] buffer, int offset, int length) {
        return new ProtocolAddress(Arrays.copyOfRange(buffer, offset, offset + length));
    }

    public static ProtocolAddress ip4(int address) {
        return new ProtocolAddress(Ip4.toBytes(address));
    }

    public static ProtocolAddress ip4(String dotted) {
        return ip4(Ip4.parse(dotted));
    }

    public int length() {
        return bytes.length;
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    public void copyTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, bytes.length);
    }

    public boolean isIp4() {
        return bytes.length == 4;
    }

    /** The IPv4 address as an int; only for 4-byte addresses. */
    public int toIp4() {
        if (bytes.length != 4) throw new IllegalStateException("not a 4-byte address: " + this);
        return Ip4.read(bytes, 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProtocolAddress p && Arrays.equals(p.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return bytes.length == 4 ? Ip4.format(Ip4.read(bytes, 0)) : HexFormat.ofDelimiter(":").formatHex(bytes);
    }
}
