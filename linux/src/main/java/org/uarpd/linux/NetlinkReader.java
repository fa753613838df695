package org.uarpd.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A reusable cursor over the netlink messages in one received datagram, and over each message's
 * attributes. Bounds are checked against the datagram's length, so a short or lying message ends the
 * walk instead of reading garbage. Nothing is allocated while walking.
 */
public final class NetlinkReader {
    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLMSG_OVERRUN = 4;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt BE_INT = INT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong BE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final MemorySegment buf;
    private int limit;
    private int next;
    private int start;
    private int length;

    // attribute cursor
    private int attrNext;
    private int attrLimit;
    private int attrType;
    private int attrStart;
    private int attrLength;

    public NetlinkReader(MemorySegment buffer) {
        this.buf = buffer;
    }

    /** Starts a walk over {@code received} bytes at the buffer's start. */
    public NetlinkReader reset(int received) {
        limit = received;
        next = 0;
        return this;
    }

    /** Advances to the next message; false when there is none (or what is left is truncated). */
    public boolean next() {
        if (next + NetlinkWriter.NLMSG_HDRLEN > limit) return false;
        int len = buf.get(INT, next);
        if (len < NetlinkWriter.NLMSG_HDRLEN || len > limit - next) return false; // not next + len: a lying len overflows it
        start = next;
        length = len;
        next += NetlinkWriter.align(len);
        return true;
    }

    public int type() {
        return buf.get(SHORT, start + 4) & 0xFFFF;
    }

    public int flags() {
        return buf.get(SHORT, start + 6) & 0xFFFF;
    }

    public int seq() {
        return buf.get(INT, start + 8);
    }

    /** The sender's port id: 0 for the kernel's own notifications, ours for echoes of our requests. */
    public int pid() {
        return buf.get(INT, start + 12);
    }

    /** Offset of the payload (after the 16-byte header) in the buffer. */
    public int payload() {
        return start + NetlinkWriter.NLMSG_HDRLEN;
    }

    public int payloadLength() {
        return length - NetlinkWriter.NLMSG_HDRLEN;
    }

    public int u8(int offset) {
        return buf.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    public int u16(int offset) {
        return buf.get(SHORT, offset) & 0xFFFF;
    }

    public int s32(int offset) {
        return buf.get(INT, offset);
    }

    public int be32(int offset) {
        return buf.get(BE_INT, offset);
    }

    public long be64(int offset) {
        return buf.get(BE_LONG, offset);
    }

    public void copy(int offset, byte[] dst, int dstOffset, int n) {
        MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, offset, dst, dstOffset, n);
    }

    public byte[] bytes(int offset, int n) {
        byte[] b = new byte[n];
        copy(offset, b, 0, n);
        return b;
    }

    /** A NUL-terminated string of at most {@code n} bytes. */
    public String string(int offset, int n) {
        int end = offset;
        while (end < offset + n && buf.get(ValueLayout.JAVA_BYTE, end) != 0) end++;
        return new String(bytes(offset, end - offset), StandardCharsets.US_ASCII);
    }

    /** Starts walking attributes that begin {@code familyHeader} bytes into the current payload. */
    public void attributes(int familyHeader) {
        attrNext = payload() + NetlinkWriter.align(familyHeader);
        attrLimit = start + length;
    }

    /** Starts walking the attributes nested in the current attribute. */
    public void nested() {
        attrNext = attrStart;
        attrLimit = attrStart + attrLength;
    }

    public boolean nextAttribute() {
        if (attrNext + NetlinkWriter.NLA_HDRLEN > attrLimit) return false;
        int len = buf.get(SHORT, attrNext) & 0xFFFF;
        if (len < NetlinkWriter.NLA_HDRLEN || attrNext + len > attrLimit) return false;
        attrType = buf.get(SHORT, attrNext + 2) & 0x3FFF; // without NLA_F_NESTED / NLA_F_NET_BYTEORDER
        attrStart = attrNext + NetlinkWriter.NLA_HDRLEN;
        attrLength = len - NetlinkWriter.NLA_HDRLEN;
        attrNext += NetlinkWriter.align(len);
        return true;
    }

    public int attrType() {
        return attrType;
    }

    public int attrStart() {
        return attrStart;
    }

    public int attrLength() {
        return attrLength;
    }
}
