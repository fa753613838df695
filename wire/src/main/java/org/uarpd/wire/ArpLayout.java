package org.uarpd.wire;

import java.util.Objects;

/**
 * Where the fields of an RFC 826 packet lie, and the one check that a buffer holds a whole packet.
 * {@link ArpCodec} (record path) and {@link ArpView} (zero-copy path) both go through here, so they
 * accept and reject exactly the same bytes with exactly the same errors.
 *
 * <pre>
 *  0      2      4    5    6      8
 *  | hrd  | pro  |hln |pln | op   | sha (hln) | spa (pln) | tha (hln) | tpa (pln) |
 * </pre>
 */
final class ArpLayout {
    static final int HRD = 0;
    static final int PRO = 2;
    static final int HLN = 4;
    static final int PLN = 5;
    static final int OP = 6;
    /** First byte of {@code ar_sha}; everything after it moves with {@code ar_hln} / {@code ar_pln}. */
    static final int SHA = 8;

    private ArpLayout() {}

    /**
     * Checks that {@code buf[off, off+len)} starts with a whole RFC 826 packet and returns its size.
     * Reads nothing beyond what it has checked is there. Errors carry offsets into {@code buf}.
     *
     * @throws MalformedFrameException header truncated; {@code ar_hrd} 19 (ATMARP has its own layout,
     *     RFC 2225 §8.7); {@code ar_hln} / {@code ar_pln} of 0 or 255; an address running past the end.
     */
    static int checkedSize(byte[] buf, int off, int len) throws MalformedFrameException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len < SHA) {
            throw new MalformedFrameException("ARP header truncated: " + len + " of " + SHA + " bytes", off);
        }
        int hln = buf[off + HLN] & 0xFF;
        int pln = buf[off + PLN] & 0xFF;
        int size = ArpView.size(hln, pln);
        // Common case first: sane lengths that fit. Everything else is sorted out below.
        if (hln != 0 && hln != 255 && pln != 0 && pln != 255 && len >= size && u16(buf, off + HRD) != AtmArpLayout.ATM) {
            return size;
        }
        if (u16(buf, off + HRD) == AtmArpLayout.ATM) {
            throw new MalformedFrameException("ar_hrd 19 (ATM) packets use the ATMARP layout of RFC 2225, not RFC 826", off + HRD);
        }
        if (hln == 0 || hln == 255) {
            throw new MalformedFrameException("ar_hln " + hln + " is not a usable hardware address length", off + HLN);
        }
        if (pln == 0 || pln == 255) {
            throw new MalformedFrameException("ar_pln " + pln + " is not a usable protocol address length", off + PLN);
        }
        int p = SHA;
        p = checkField(len, off, p, hln, "ar_sha");
        p = checkField(len, off, p, pln, "ar_spa");
        p = checkField(len, off, p, hln, "ar_tha");
        checkField(len, off, p, pln, "ar_tpa");
        throw new AssertionError("unreachable: size " + size + " > length " + len + " but every field fits");
    }

    /** Throws when {@code n} bytes at relative {@code p} overrun {@code len}; returns the next field's start. */
    static int checkField(int len, int off, int p, int n, String name) throws MalformedFrameException {
        if (p + n > len) {
            throw new MalformedFrameException(name + " needs " + n + " bytes, only " + (len - p) + " left", off + p);
        }
        return p + n;
    }

    /** The strict check for decoders where nothing may follow the packet (see {@code decodeExact}). */
    static void checkNoTrailing(int off, int len, int size, String what) throws MalformedFrameException {
        if (len > size) {
            throw new MalformedFrameException("trailing bytes after the " + what + " packet: " + (len - size), off + size);
        }
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    static void putU16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }
}
