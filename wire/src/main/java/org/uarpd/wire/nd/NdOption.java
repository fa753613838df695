package org.uarpd.wire.nd;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.uarpd.wire.HardwareAddress;

/**
 * One neighbour discovery option (RFC 4861 §4.6): its type and its body, the bytes after the type
 * and length octets, padding included. The option's length on the wire is (2 + body) / 8 units of
 * 8 octets, so a body is always 6, 14, 22… bytes.
 *
 * <p>A link-layer address option holds the address followed by zero padding up to the next 8-octet
 * boundary; the address length is the link's (6 on Ethernet, RFC 2464 §6), which the option itself
 * does not record, so {@link #linkLayerAddress(int)} takes it. Nonce bodies are the nonce itself
 * (RFC 3971 §5.3.2: at least 6 bytes, sized so the option fills whole units).
 */
public record NdOption(NdOptionType type, byte[] body) {
    private static final HexFormat HEX = HexFormat.of();
    /** Longest body an 8-bit length field allows: 255 units less the type and length octets. */
    public static final int MAX_BODY = 255 * 8 - 2;

    public NdOption {
        Objects.requireNonNull(type, "type");
        body = body.clone();
        if ((body.length + 2) % 8 != 0 || body.length > MAX_BODY) {
            throw new IllegalArgumentException("an ND option body is 6, 14, 22… up to " + MAX_BODY + " bytes (whole 8-octet units), not "
                    + body.length);
        }
    }

    /** An option of any type with the given body (already padded to whole units). */
    public static NdOption of(int type, byte[] body) {
        return new NdOption(NdOptionType.valueOf(type), body);
    }

    /** Source link-layer address option (type 1) for an address of any length, zero-padded. */
    public static NdOption sourceLinkLayer(HardwareAddress address) {
        return new NdOption(NdOptionType.SOURCE_LINK_LAYER, padded(address));
    }

    /** Target link-layer address option (type 2) for an address of any length, zero-padded. */
    public static NdOption targetLinkLayer(HardwareAddress address) {
        return new NdOption(NdOptionType.TARGET_LINK_LAYER, padded(address));
    }

    /** Nonce option (type 14); {@code nonce} must be 6, 14, 22… bytes (RFC 3971 §5.3.2). */
    public static NdOption nonce(byte[] nonce) {
        if (nonce.length < 6) throw new IllegalArgumentException("a nonce has at least 6 bytes (RFC 3971 §5.3.2), not " + nonce.length);
        return new NdOption(NdOptionType.NONCE, nonce);
    }

    /** Bytes of body an option needs for {@code n} bytes of content: whole 8-octet units less type and length. */
    public static int bodyLengthFor(int n) {
        return (n + 2 + 7) / 8 * 8 - 2;
    }

    private static byte[] padded(HardwareAddress address) {
        if (address.length() == 0) throw new IllegalArgumentException("a link-layer address option needs an address");
        return Arrays.copyOf(address.toByteArray(), bodyLengthFor(address.length()));
    }

    /** The option's length field: size in units of 8 octets. */
    public int units() {
        return (body.length + 2) / 8;
    }

    /** Bytes on the wire, type and length octets included. */
    public int size() {
        return body.length + 2;
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The first {@code addressLength} bytes of the body: the address of a link-layer address option. */
    public HardwareAddress linkLayerAddress(int addressLength) {
        if (addressLength < 1 || addressLength > body.length) {
            throw new IllegalArgumentException("a " + addressLength + "-byte address does not fit a " + body.length + "-byte option body");
        }
        return HardwareAddress.of(body, 0, addressLength);
    }

    void copyBodyTo(byte[] out, int off) {
        System.arraycopy(body, 0, out, off, body.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NdOption x && x.type.equals(type) && Arrays.equals(x.body, body);
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return type + " " + HEX.formatHex(body);
    }
}
