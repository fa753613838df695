package org.uarpd.wire;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A link-layer address of any length (ARCnet 1 byte, Ethernet 6, IPoIB 20, ATM numbers up to 20…).
 * Immutable; printed as colon-separated lower-case hex.
 */
public final class HardwareAddress {
    private static final HexFormat HEX = HexFormat.ofDelimiter(":");
    public static final HardwareAddress EMPTY = new HardwareAddress(new byte[0]);

    private final byte[] bytes;
    private final int hash;

    private HardwareAddress(byte[] owned) {
        this.bytes = owned;
        this.hash = Arrays.hashCode(owned);
    }

    public static HardwareAddress of(byte... bytes) {
        return new HardwareAddress(bytes.clone());
    }

    public static HardwareAddress of(byte[] buffer, int offset, int length) {
        return new HardwareAddress(Arrays.copyOfRange(buffer, offset, offset + length));
    }

    /** Parses {@code aa:bb:cc…} (also accepts '-' as separator). The empty string gives {@link #EMPTY}. */
    public static HardwareAddress parse(String text) {
        if (text.isEmpty()) return EMPTY;
        String[] parts = text.split("[:-]", -1);
        byte[] b = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 2) {
                throw new IllegalArgumentException("not a hardware address: '" + text + "' (expected hex bytes like 02:00:5e:00:00:01)");
            }
            try {
                b[i] = (byte) Integer.parseInt(p, 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a hardware address: '" + text + "' (bad hex byte '" + p + "')");
            }
        }
        return new HardwareAddress(b);
    }

    /** An Ethernet-style 6-byte address from the low 48 bits of {@code value}. */
    public static HardwareAddress ofLong48(long value) {
        byte[] b = new byte[6];
        for (int i = 5; i >= 0; i--) {
            b[i] = (byte) value;
            value >>>= 8;
        }
        return new HardwareAddress(b);
    }

    public int length() {
        return bytes.length;
    }

    public byte get(int i) {
        return bytes[i];
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    public void copyTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, bytes.length);
    }

    /** True when every byte is zero (an "unknown" target hardware address in a request). */
    public boolean isZero() {
        for (byte b : bytes) if (b != 0) return false;
        return true;
    }

    /** True when this equals {@code length} bytes of {@code buf} at {@code off}. */
    public boolean equalsBytes(byte[] buf, int off, int length) {
        return length == bytes.length && Arrays.equals(bytes, 0, length, buf, off, off + length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HardwareAddress h && h.hash == hash && Arrays.equals(h.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return HEX.formatHex(bytes);
    }
}
