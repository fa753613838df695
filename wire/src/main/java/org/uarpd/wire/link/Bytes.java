package org.uarpd.wire.link;

import org.uarpd.wire.MalformedFrameException;

/** Big-endian field access and the bounds check every framing decoder starts with. */
final class Bytes {
    private Bytes() {}

    static int u8(byte[] b, int off) {
        return b[off] & 0xFF;
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    static void putU16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    /**
     * Rejects a {@code [offset, offset+length)} window that does not lie inside {@code buf}: a caller
     * that claims more bytes than it has is as malformed as a frame that is too short.
     */
    static void checkWindow(byte[] buf, int offset, int length) throws MalformedFrameException {
        if (offset < 0 || length < 0 || offset > buf.length || length > buf.length - offset) {
            throw new MalformedFrameException("frame window [" + offset + ", +" + length + ") overruns a buffer of "
                    + buf.length + " bytes", Math.max(0, Math.min(offset, buf.length)));
        }
    }

    /** Header of {@code need} bytes must fit in the {@code length} bytes at {@code offset}. */
    static void needHeader(String what, int need, int offset, int length) throws MalformedFrameException {
        if (length < need) {
            throw new MalformedFrameException(what + " truncated: " + length + " of " + need + " bytes", offset + length);
        }
    }

    static void requireLength(String role, org.uarpd.wire.HardwareAddress address, int expected, String linkName) {
        if (address.length() != expected) {
            throw new IllegalArgumentException(linkName + " " + role + " address must be " + expected + " bytes, got "
                    + address.length() + " (" + address + ")");
        }
    }
}
