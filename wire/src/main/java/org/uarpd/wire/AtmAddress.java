package org.uarpd.wire;

import java.util.Objects;

/**
 * An ATM number or subaddress as carried in an ATMARP packet (RFC 2225 §8.7), with the format its
 * type-and-length octet gives it. Either may be absent (length 0): an unknown target number in a
 * request, no subaddress.
 *
 * <p>Type-and-length octet ({@code ar$shtl}, {@code ar$sstl}, {@code ar$thtl}, {@code ar$tstl}):
 * <pre>
 *   bit  8        7                 6..1
 *      | 0 (reserved) | 0 = ATM Forum NSAPA, 1 = E.164 | length in octets (0..20) |
 * </pre>
 * The format bit of an absent address means nothing but is kept, so that re-encoding a decoded
 * packet gives back the same bytes.
 */
public record AtmAddress(Format format, HardwareAddress value) {

    /** The two address formats of ATM Forum UNI signalling that RFC 2225 carries. */
    public enum Format {
        /** ATM Forum NSAP-format address (20 octets when complete); also the only subaddress format. */
        NSAP,
        /** ITU-T E.164 number, encoded as IA5 (ASCII) digits. */
        E164
    }

    /** RFC 2225 §8.7: "The value range for the length field is 0-20". */
    public static final int MAX_LENGTH = 20;
    static final int RESERVED_BIT = 0x80;
    static final int E164_BIT = 0x40;
    static final int LENGTH_MASK = 0x3F;

    public static final AtmAddress ABSENT = new AtmAddress(Format.NSAP, HardwareAddress.EMPTY);

    public AtmAddress {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(value, "value");
        if (value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("ATM address of " + value.length() + " bytes, at most " + MAX_LENGTH + " allowed");
        }
    }

    public static AtmAddress nsap(byte... bytes) {
        return new AtmAddress(Format.NSAP, HardwareAddress.of(bytes));
    }

    public static AtmAddress nsap(HardwareAddress bytes) {
        return new AtmAddress(Format.NSAP, bytes);
    }

    /** An E.164 number from its digits, e.g. {@code "15085551234"} (IA5, one digit per byte). */
    public static AtmAddress e164(String digits) {
        if (!digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("E.164 number must be decimal digits: '" + digits + "'");
        }
        return new AtmAddress(Format.E164, HardwareAddress.of(digits.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    public int length() {
        return value.length();
    }

    public boolean isPresent() {
        return value.length() != 0;
    }

    /** This address's type-and-length octet. */
    public int typeAndLength() {
        return (format == Format.E164 ? E164_BIT : 0) | value.length();
    }

    /**
     * Text for people: E.164 numbers as their digits (prefixed {@code +}), NSAP addresses as
     * colon-separated hex, an absent address as the empty string. An E.164 number that is not all
     * digits falls back to hex, so no byte is ever hidden.
     */
    @Override
    public String toString() {
        if (format == Format.E164 && isPresent()) {
            StringBuilder sb = new StringBuilder("+");
            for (int i = 0; i < value.length(); i++) {
                int c = value.get(i);
                if (c < '0' || c > '9') return value.toString();
                sb.append((char) c);
            }
            return sb.toString();
        }
        return value.toString();
    }
}
